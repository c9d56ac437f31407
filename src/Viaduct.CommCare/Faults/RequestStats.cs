using System.Collections.Concurrent;

namespace Viaduct.CommCare.Faults;

/// <summary>Counts of API requests (<c>/a/...</c>) since start or the last reset, by the status answered. Per process.</summary>
internal sealed class RequestStats
{
    private readonly ConcurrentDictionary<int, long> _byStatus = new();
    private readonly ConcurrentDictionary<int, long> _injected = new();
    private long _requests;
    private long _failedAfterApply;

    public void Record(int statusCode)
    {
        Interlocked.Increment(ref _requests);
        _byStatus.AddOrUpdate(statusCode, 1, (_, count) => count + 1);
    }

    public void RecordInjected(int statusCode) => _injected.AddOrUpdate(statusCode, 1, (_, count) => count + 1);

    public void RecordFailedAfterApply() => Interlocked.Increment(ref _failedAfterApply);

    public StatsSnapshot Snapshot() => new(
        Interlocked.Read(ref _requests),
        _byStatus.OrderBy(pair => pair.Key).ToDictionary(pair => pair.Key, pair => pair.Value),
        _injected.OrderBy(pair => pair.Key).ToDictionary(pair => pair.Key, pair => pair.Value),
        Interlocked.Read(ref _failedAfterApply));

    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _failedAfterApply, 0);
        _byStatus.Clear();
        _injected.Clear();
    }
}

/// <summary>
/// <see cref="Requests"/> API requests answered, <see cref="ByStatus"/> by status; of those, <see cref="Injected"/>
/// were faults answered without doing the request, and <see cref="FailedAfterApply"/> were done and then answered 500.
/// </summary>
internal sealed record StatsSnapshot(long Requests, Dictionary<int, long> ByStatus, Dictionary<int, long> Injected, long FailedAfterApply);
