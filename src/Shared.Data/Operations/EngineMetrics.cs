using System.Diagnostics.Metrics;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Shared.Data.Operations;

/// <summary>
/// An engine's own figures: items processed, failures, batch durations (instruments of the
/// <see cref="MeterName"/> meter, exported as Prometheus series with an <c>engine</c> label), its backlog and lag
/// (gauges over the latest <see cref="Backlog"/> reading), and the tallies <see cref="EngineStatusReporter"/> writes
/// to <c>engine_hosts</c>.
/// </summary>
public sealed class EngineMetrics : IDisposable
{
    public const string MeterName = "Viaduct.Engines";

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Meter _meter;
    private readonly Counter<long> _processed;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _batchDuration;
    private readonly KeyValuePair<string, object?> _engineTag;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;
    private readonly Lock _gate = new();
    // Items per second of the last minute, one slot a second: the throughput the operator sees.
    private readonly long[] _slots = new long[(int)Window.TotalSeconds];
    private long _currentSecond;
    private long _itemsTotal;
    private long _failuresTotal;
    private (string Message, DateTimeOffset At)? _lastError;
    private BacklogReading? _backlog;

    public EngineMetrics(IMeterFactory meterFactory, EngineIdentity identity, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(identity);
        Identity = identity;
        _time = time;
        _startedAt = time.GetUtcNow();
        _currentSecond = _startedAt.ToUnixTimeSeconds();
        _engineTag = new("engine", identity.Engine);
        _meter = meterFactory.Create(MeterName);
        _processed = _meter.CreateCounter<long>("viaduct.items.processed", "{item}", "Items an engine finished: rows, results, cases, synced cases.");
        _failures = _meter.CreateCounter<long>("viaduct.failures", "{failure}", "Failed items and failed engine steps.");
        // Both series exist from the start, at 0: an alert on the failures' increase needs a series before the first one.
        _processed.Add(0, _engineTag);
        _failures.Add(0, _engineTag);
        // Buckets in seconds: the exporter's defaults (0 to 10,000) are meant for milliseconds and put every batch in one.
        _batchDuration = _meter.CreateHistogram<double>("viaduct.batch.duration", "s", "How long one batch (a file, a claim, a job, a pull) took.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });
        _meter.CreateObservableGauge("viaduct.backlog", ObserveBacklog, "{item}", "Items in the engine's ready state.");
        _meter.CreateObservableGauge("viaduct.lag", ObserveLag, "s", "Age of the oldest item in the engine's ready state.");
    }

    public EngineIdentity Identity { get; }

    public DateTimeOffset StartedAt => _startedAt;

    /// <summary>Records a finished batch of <paramref name="items"/> items that took <paramref name="duration"/>.</summary>
    public void RecordBatch(long items, TimeSpan duration)
    {
        _batchDuration.Record(duration.TotalSeconds, _engineTag);
        RecordProcessed(items);
    }

    /// <summary>Records items finished outside a timed batch.</summary>
    public void RecordProcessed(long items)
    {
        if (items <= 0)
        {
            return;
        }

        _processed.Add(items, _engineTag);
        lock (_gate)
        {
            Advance();
            _slots[_currentSecond % _slots.Length] += items;
            _itemsTotal += items;
        }
    }

    /// <summary>Records failed items (a result E2 could not transform, a case E4 parked), without an exception.</summary>
    public void RecordFailedItems(long items, string reason)
    {
        if (items <= 0)
        {
            return;
        }

        _failures.Add(items, _engineTag);
        lock (_gate)
        {
            _failuresTotal += items;
            _lastError = (Trim(reason), _time.GetUtcNow());
        }
    }

    /// <summary>Records a failed step. Only the exception's type and message are kept, never its data.</summary>
    public void RecordFailure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        RecordFailedItems(1, $"{exception.GetType().Name}: {exception.Message}");
    }

    /// <summary>Starts timing a batch; <see cref="BatchTimer.Stop"/> records it.</summary>
    public BatchTimer StartBatch() => new(this, _time.GetTimestamp());

    /// <summary>The latest backlog reading, which the gauges report.</summary>
    public void SetBacklog(BacklogReading reading) => Volatile.Write(ref _backlog, reading);

    /// <summary>What the host reports about itself.</summary>
    public EngineTallies Snapshot()
    {
        lock (_gate)
        {
            Advance();
            var now = _time.GetUtcNow();
            var elapsed = now - _startedAt;
            var span = elapsed < Window ? elapsed : Window;
            var items = _slots.Sum();
            var perMinute = span <= TimeSpan.FromSeconds(1) ? 0 : items / span.TotalMinutes;
            return new EngineTallies(_itemsTotal, _failuresTotal, Math.Round(perMinute, 1), _lastError?.Message, _lastError?.At);
        }
    }

    public void Dispose() => _meter.Dispose();

    private void Advance()
    {
        var second = _time.GetUtcNow().ToUnixTimeSeconds();
        var steps = Math.Min(second - _currentSecond, _slots.Length);
        for (var i = 1; i <= steps; i++)
        {
            _slots[(_currentSecond + i) % _slots.Length] = 0;
        }

        _currentSecond = Math.Max(_currentSecond, second);
    }

    private IEnumerable<Measurement<long>> ObserveBacklog() =>
        Volatile.Read(ref _backlog) is { } reading ? [new(reading.Items, _engineTag)] : [];

    private IEnumerable<Measurement<double>> ObserveLag() =>
        Volatile.Read(ref _backlog) is { } reading ? [new(reading.OldestAge?.TotalSeconds ?? 0, _engineTag)] : [];

    private static string Trim(string reason) => reason.Length <= 500 ? reason : reason[..500];

    /// <summary>Times one batch; a batch that is never stopped is not recorded.</summary>
    public readonly struct BatchTimer(EngineMetrics metrics, long started)
    {
        public void Stop(long items) => metrics.RecordBatch(items, metrics._time.GetElapsedTime(started));
    }
}

/// <summary>An engine host's tallies, as <c>engine_hosts</c> keeps them.</summary>
public sealed record EngineTallies(long ItemsProcessed, long Failures, double ItemsPerMinute, string? LastError, DateTimeOffset? LastErrorAt);
