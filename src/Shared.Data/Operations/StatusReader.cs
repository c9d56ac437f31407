using Npgsql;

namespace Viaduct.Shared.Data.Operations;

/// <summary>Reads <see cref="SystemStatus"/> from the database: the one source of the operator page and <c>viaduct status</c>.</summary>
public sealed class StatusReader(NpgsqlDataSource dataSource)
{
    /// <summary>A host that has not reported for this long counts as gone.</summary>
    public static readonly TimeSpan LiveWindow = TimeSpan.FromSeconds(30);

    public async Task<SystemStatus> ReadAsync(int files = 20, int parked = 50, CancellationToken cancellationToken = default)
    {
        var backlog = await Backlog.ReadAllAsync(dataSource, cancellationToken);
        var hosts = await HostsAsync(cancellationToken);
        var engines = backlog.Select(b =>
        {
            hosts.TryGetValue(b.Engine, out var h);
            return new EngineStatus(
                b.Engine, b.Items, b.OldestAge?.TotalSeconds,
                h?.LiveHosts ?? 0, h?.ItemsPerMinute ?? 0, h?.ItemsProcessed ?? 0, h?.Failures ?? 0,
                h?.LastSeenAt, h?.LastError, h?.LastErrorAt);
        }).ToList();
        var (parkedCases, parkedCount) = await ParkedAsync(parked, cancellationToken);
        return new SystemStatus(DateTime.UtcNow, engines, await FilesAsync(files, cancellationToken), parkedCases, parkedCount);
    }

    /// <summary>The most recently received files, newest first.</summary>
    public async Task<IReadOnlyList<FileStatus>> FilesAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, object_key, state, row_count, new_count, duplicate_count, bad_count, received_at,
                   coalesce(processed_at, failed_at), duplicate_of_file_id, error
            FROM files ORDER BY received_at DESC, id DESC LIMIT $1
            """);
        command.Parameters.Add(new() { Value = limit });
        var files = new List<FileStatus>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            files.Add(new FileStatus(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.GetInt32(5), reader.GetInt32(6), reader.GetDateTime(7),
                reader.IsDBNull(8) ? null : reader.GetDateTime(8),
                reader.IsDBNull(9) ? null : reader.GetInt64(9),
                reader.IsDBNull(10) ? null : reader.GetString(10)));
        }

        return files;
    }

    private async Task<(IReadOnlyList<ParkedCase> Cases, long Count)> ParkedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, external_id, county_fips, post_state, post_error, changed_at, count(*) OVER ()
            FROM index_cases WHERE post_state IN ('parked', 'failed')
            ORDER BY changed_at DESC, id DESC LIMIT $1
            """);
        command.Parameters.Add(new() { Value = limit });
        var cases = new List<ParkedCase>();
        long count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            cases.Add(new ParkedCase(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetDateTime(5)));
            count = reader.GetInt64(6);
        }

        return (cases, count);
    }

    private sealed record HostSummary(int LiveHosts, double ItemsPerMinute, long ItemsProcessed, long Failures, DateTime? LastSeenAt, string? LastError, DateTime? LastErrorAt);

    private async Task<Dictionary<string, HostSummary>> HostsAsync(CancellationToken cancellationToken)
    {
        // Throughput and totals come from live hosts only; the last error from any host, so a crashed one still tells why.
        await using var command = dataSource.CreateCommand("""
            SELECT engine,
                   count(*) FILTER (WHERE live),
                   coalesce(sum(items_per_minute) FILTER (WHERE live), 0),
                   coalesce(sum(items_processed) FILTER (WHERE live), 0)::bigint,
                   coalesce(sum(failures) FILTER (WHERE live), 0)::bigint,
                   max(seen_at),
                   (array_agg(last_error ORDER BY last_error_at DESC) FILTER (WHERE last_error IS NOT NULL))[1],
                   max(last_error_at)
            FROM (SELECT *, seen_at > now() - $1::interval AS live FROM engine_hosts) h
            GROUP BY engine
            """);
        command.Parameters.Add(new() { Value = LiveWindow });
        var hosts = new Dictionary<string, HostSummary>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hosts[reader.GetString(0)] = new HostSummary(
                (int)reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetDateTime(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetDateTime(7));
        }

        return hosts;
    }
}
