using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Operations.Tests;

/// <summary>EngineMetrics' tallies, its one-minute throughput window and its instruments, on a clock the test moves.</summary>
public sealed class EngineMetricsTests : IDisposable
{
    // On a whole second, so that "n seconds later" is n slots of the window later.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly EngineMetrics _metrics;

    public EngineMetricsTests() =>
        _metrics = new EngineMetrics(_services.GetRequiredService<IMeterFactory>(), new EngineIdentity("e2-transformer", "test-host:1"), _time);

    public void Dispose()
    {
        _metrics.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Tallies_add_up_items_and_failures_and_keep_the_latest_error_with_its_time()
    {
        _metrics.RecordBatch(5, TimeSpan.FromSeconds(1));
        _metrics.RecordProcessed(3);
        _metrics.RecordFailedItems(2, "2 result(s) failed");
        _time.Advance(TimeSpan.FromSeconds(7));
        _metrics.RecordFailure(new InvalidOperationException("the county file is gone"));

        var tallies = _metrics.Snapshot();
        Assert.Equal(8, tallies.ItemsProcessed);
        Assert.Equal(3, tallies.Failures);
        Assert.Equal("InvalidOperationException: the county file is gone", tallies.LastError);
        Assert.Equal(_time.GetUtcNow(), tallies.LastErrorAt);
    }

    [Fact]
    public void Nothing_and_negative_counts_are_not_recorded()
    {
        _metrics.RecordProcessed(0);
        _metrics.RecordProcessed(-4);
        _metrics.RecordFailedItems(0, "nothing failed");
        _time.Advance(TimeSpan.FromSeconds(30));

        var tallies = _metrics.Snapshot();
        Assert.Equal(new EngineTallies(0, 0, 0, null, null), tallies);
    }

    [Fact]
    public void A_long_error_is_cut_to_500_characters()
    {
        _metrics.RecordFailedItems(1, new string('x', 2_000));

        Assert.Equal(500, _metrics.Snapshot().LastError!.Length);
    }

    [Fact]
    public void Throughput_is_zero_in_the_first_second_then_items_per_minute_since_the_start()
    {
        _metrics.RecordProcessed(10);
        Assert.Equal(0, _metrics.Snapshot().ItemsPerMinute);

        _time.Advance(TimeSpan.FromSeconds(30));
        // 10 items in half a minute.
        Assert.Equal(20, _metrics.Snapshot().ItemsPerMinute);
        Assert.Equal(10, _metrics.Snapshot().ItemsProcessed);
    }

    [Fact]
    public void Throughput_counts_only_the_last_minute_once_the_host_has_run_longer()
    {
        // One item a second for two minutes.
        for (var second = 0; second < 120; second++)
        {
            _metrics.RecordProcessed(1);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(59, _metrics.Snapshot().ItemsPerMinute);

        // A burst now counts in full.
        _metrics.RecordProcessed(600);
        Assert.Equal(659, _metrics.Snapshot().ItemsPerMinute);

        // Half a minute later, the older half of the steady items has left the window; the burst has not.
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(629, _metrics.Snapshot().ItemsPerMinute);

        // A minute after the burst, nothing is left in the window; the total still counts everything.
        _time.Advance(TimeSpan.FromSeconds(30));
        var tallies = _metrics.Snapshot();
        Assert.Equal(0, tallies.ItemsPerMinute);
        Assert.Equal(720, tallies.ItemsProcessed);
    }

    [Fact]
    public void A_silence_longer_than_the_window_clears_it_and_new_items_count_alone()
    {
        _metrics.RecordProcessed(1_000);
        _time.Advance(TimeSpan.FromMinutes(10));
        _metrics.RecordProcessed(6);

        // The slot the 1,000 items sat in is the same slot again ten minutes later: it must have been cleared.
        Assert.Equal(6, _metrics.Snapshot().ItemsPerMinute);
    }

    [Fact]
    public void Instruments_carry_the_engine_tag_and_the_gauges_report_the_latest_backlog_reading()
    {
        var measurements = new List<(string Instrument, double Value, string? Engine)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this test's meter: hosts of other tests in the process have instruments of the same name.
            if (instrument.Meter.Name == EngineMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, _services.GetRequiredService<IMeterFactory>()))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, Engine(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, Engine(tags))));
        listener.Start();

        var timer = _metrics.StartBatch();
        _time.Advance(TimeSpan.FromMilliseconds(1_500));
        timer.Stop(4);
        _metrics.RecordFailedItems(2, "2 case(s) parked");
        listener.RecordObservableInstruments();
        Assert.DoesNotContain(measurements, m => m.Instrument is "viaduct.backlog" or "viaduct.lag");

        _metrics.SetBacklog(new BacklogReading("e2-transformer", 42, TimeSpan.FromSeconds(90)));
        listener.RecordObservableInstruments();

        Assert.All(measurements, m => Assert.Equal("e2-transformer", m.Engine));
        Assert.Equal(1.5, Assert.Single(measurements, m => m.Instrument == "viaduct.batch.duration").Value);
        Assert.Equal(4, Assert.Single(measurements, m => m.Instrument == "viaduct.items.processed").Value);
        Assert.Equal(2, Assert.Single(measurements, m => m.Instrument == "viaduct.failures").Value);
        Assert.Equal(42, Assert.Single(measurements, m => m.Instrument == "viaduct.backlog").Value);
        Assert.Equal(90, Assert.Single(measurements, m => m.Instrument == "viaduct.lag").Value);

        // An empty backlog has no oldest item: its lag is 0.
        measurements.Clear();
        _metrics.SetBacklog(new BacklogReading("e2-transformer", 0, null));
        listener.RecordObservableInstruments();
        Assert.Equal(0, Assert.Single(measurements, m => m.Instrument == "viaduct.lag").Value);
    }

    [Fact]
    public void The_batch_duration_histogram_advises_buckets_in_seconds()
    {
        Histogram<double>? histogram = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == EngineMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, _services.GetRequiredService<IMeterFactory>())
                && instrument is Histogram<double> h)
            {
                histogram = h;
            }
        };
        listener.Start();

        Assert.NotNull(histogram);
        Assert.Equal("s", histogram.Unit);
        var buckets = histogram.Advice?.HistogramBucketBoundaries;
        Assert.NotNull(buckets);
        Assert.Contains(buckets, b => b < 1);
        Assert.Contains(buckets, b => b >= 60);
    }

    private static string? Engine(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "engine")
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
