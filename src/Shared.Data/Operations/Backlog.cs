using Npgsql;

namespace Viaduct.Shared.Data.Operations;

/// <summary>What waits for one engine: how many items are in its ready state, and how long the oldest has waited.</summary>
public sealed record BacklogReading(string Engine, long Items, TimeSpan? OldestAge);

/// <summary>
/// Each engine's ready state, read from the data at rest: the same conditions the engines claim on, so the figures
/// are right whether or not any engine is running.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>E1: files registered but not finished (<c>received</c>, <c>processing</c>).</item>
/// <item>E2: test results not yet claimed (<c>transformed_at IS NULL</c>).</item>
/// <item>E3: postable index cases changed since they were last enqueued.</item>
/// <item>E4: index cases enqueued and waiting for their posting job.</item>
/// <item>E5: CommCare domains whose next pull is due; the lag is the longest any due domain has gone unsynced.</item>
/// </list>
/// Every count runs on the partial index of that ready state.
/// </remarks>
public static class Backlog
{
    private static readonly Dictionary<string, string> Queries = new(StringComparer.Ordinal)
    {
        [EngineNames.Extractor] = """
            SELECT count(*), extract(epoch FROM now() - min(received_at))::float8
            FROM files WHERE state IN ('received', 'processing')
            """,
        // The oldest ready result is the one with the lowest id: results are appended.
        [EngineNames.Transformer] = """
            SELECT (SELECT count(*) FROM test_results WHERE transformed_at IS NULL),
                   (SELECT extract(epoch FROM now() - created_at)::float8 FROM test_results
                    WHERE transformed_at IS NULL ORDER BY id LIMIT 1)
            """,
        [EngineNames.Enqueuer] = """
            SELECT count(*), extract(epoch FROM now() - min(changed_at))::float8
            FROM index_cases WHERE postable AND version > enqueued_version AND (post_state IS NULL OR post_state = 'posted')
            """,
        [EngineNames.Loader] = """
            SELECT count(*), extract(epoch FROM now() - min(enqueued_at))::float8
            FROM index_cases WHERE post_state = 'enqueued'
            """,
        [EngineNames.Sync] = """
            SELECT count(*), extract(epoch FROM now() - min(coalesce(last_synced_at, created_at)))::float8
            FROM sync_cursors c
            WHERE next_sync_at <= now() AND EXISTS (SELECT 1 FROM counties k WHERE k.domain = c.domain AND k.participating)
            """,
    };

    /// <summary>The backlog of one engine (<see cref="EngineNames"/>).</summary>
    public static async Task<BacklogReading> ReadAsync(NpgsqlDataSource dataSource, string engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        if (!Queries.TryGetValue(engine, out var sql))
        {
            throw new ArgumentException($"no backlog is defined for engine '{engine}'", nameof(engine));
        }

        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new BacklogReading(
            engine,
            reader.GetInt64(0),
            reader.IsDBNull(1) ? null : TimeSpan.FromSeconds(Math.Max(0, reader.GetDouble(1))));
    }

    /// <summary>The backlog of every engine, in pipeline order.</summary>
    public static async Task<IReadOnlyList<BacklogReading>> ReadAllAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var readings = new List<BacklogReading>(EngineNames.All.Count);
        foreach (var engine in EngineNames.All)
        {
            readings.Add(await ReadAsync(dataSource, engine, cancellationToken));
        }

        return readings;
    }
}
