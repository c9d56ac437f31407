using System.Diagnostics;

namespace Viaduct.Bench;

/// <summary>
/// Watches for Hangfire workers that fetched a job and then stall before running it, and frees them.
/// </summary>
/// <remarks>
/// Seen with Hangfire.PostgreSql 1.21.1 and long polling (<c>EnableLongPolling</c>, as ViaductHangfire sets it): now
/// and then a worker takes a job from the queue (<c>jobqueue.fetchedat</c> set) and then waits, before moving it to
/// Processing, until the next <c>NOTIFY new_job</c>, i.e. until another job is created. Meanwhile the sliding
/// invisibility heartbeat keeps the job hidden from every other worker, so when no further job comes, it waits for
/// ever. A benchmark waiting for every job would hang with it: when a job has stayed fetched but Enqueued for
/// <see cref="Threshold"/>, this sends the notification a new job would have sent, and counts it, so the figures say
/// how often it happened.
/// </remarks>
internal sealed class StuckFetchWatch(BenchDatabase database)
{
    public static readonly TimeSpan Threshold = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<long, TimeSpan> _fetched = [];
    private readonly List<long> _stuck = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastCheck;

    /// <summary>Jobs found stuck after their fetch (each time it happened).</summary>
    public IReadOnlyList<long> Stuck => _stuck;

    public string Describe() => _stuck.Count == 0
        ? "none"
        : $"{_stuck.Count} time(s) a worker held a fetched job without running it for {Threshold.TotalSeconds:N0} s and was freed by NOTIFY new_job "
            + $"(jobs {string.Join(", ", _stuck.Take(10))}{(_stuck.Count > 10 ? ", ..." : "")})";

    /// <summary>Looks (at most every half second); frees stuck workers. Returns whether it sent a notification.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        var now = _clock.Elapsed;
        if (_lastCheck is { } last && now - last < CheckInterval)
        {
            return false;
        }

        _lastCheck = now;
        var fetched = new HashSet<long>();
        await using (var command = database.DataSource.CreateCommand("""
            SELECT q.jobid FROM hangfire.jobqueue q JOIN hangfire.job j ON j.id = q.jobid
            WHERE q.fetchedat IS NOT NULL AND j.statename = 'Enqueued'
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                fetched.Add(reader.GetInt64(0));
            }
        }

        foreach (var gone in _fetched.Keys.Where(id => !fetched.Contains(id)).ToList())
        {
            _fetched.Remove(gone);
        }

        var stuck = new List<long>();
        foreach (var id in fetched)
        {
            if (!_fetched.TryGetValue(id, out var since))
            {
                _fetched[id] = now;
            }
            else if (now - since >= Threshold)
            {
                stuck.Add(id);
                _fetched[id] = now;
            }
        }

        if (stuck.Count == 0)
        {
            return false;
        }

        _stuck.AddRange(stuck);
        await using var notify = database.DataSource.CreateCommand("NOTIFY new_job");
        await notify.ExecuteNonQueryAsync(cancellationToken);
        E1Benchmark.Progress($"Hangfire: job(s) {string.Join(", ", stuck)} fetched but not run for {Threshold.TotalSeconds:N0} s; sent NOTIFY new_job");
        return true;
    }
}
