using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Viaduct.Bench;

/// <summary>
/// A sampling profile of the engine's database sessions: every few milliseconds, what each client session of the
/// benchmark database other than the benchmark's own is doing (pg_stat_activity: the statement it runs and what
/// it waits for, or "idle in transaction" while the engine works between statements). Needs no server extension.
/// </summary>
internal sealed partial class ActivitySampler
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Samples { get; private set; }

    /// <summary>Samples until <paramref name="cancellationToken"/> is cancelled (no exception then).</summary>
    public async Task RunAsync(BenchDatabase database, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("""
                SELECT state, coalesce(wait_event_type || ':' || wait_event, ''), query FROM pg_stat_activity
                WHERE datname = current_database() AND backend_type = 'client backend'
                    AND pid <> pg_backend_pid() AND application_name <> $1
                """, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = BenchDatabase.ApplicationName });
            await command.PrepareAsync(cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                var busy = new List<string>();
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        var state = reader.IsDBNull(0) ? "" : reader.GetString(0);
                        if (state == "idle")
                        {
                            continue;
                        }

                        var wait = reader.GetString(1);
                        busy.Add(state == "active"
                            ? $"{Label(reader.IsDBNull(2) ? "" : reader.GetString(2))}{(wait.Length > 0 && !wait.StartsWith("Client:", StringComparison.Ordinal) ? $"  [{wait}]" : "")}"
                            : $"({state})");
                    }
                }

                // The engine's start-up is not part of the profile: counting begins with its first busy session.
                if (busy.Count == 0 && Samples == 0)
                {
                    await Task.Delay(interval, cancellationToken);
                    continue;
                }

                Samples++;
                foreach (var what in busy.Count == 0 ? ["(no session busy)"] : busy)
                {
                    _counts[what] = _counts.GetValueOrDefault(what) + 1;
                }

                await Task.Delay(interval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The most frequent activities, with their share of the samples.</summary>
    public IEnumerable<(string What, string Share)> Top(int count) =>
        _counts.OrderByDescending(c => c.Value).Take(count)
            .Select(c => (c.Key, (c.Value / (double)Math.Max(1, Samples)).ToString("P1", CultureInfo.InvariantCulture)));

    // The statement's first words, whitespace folded: enough to tell E2's statements apart.
    private static string Label(string query)
    {
        var folded = Whitespace().Replace(query, " ").Trim();
        return folded.Length <= 90 ? folded : folded[..90] + "...";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
