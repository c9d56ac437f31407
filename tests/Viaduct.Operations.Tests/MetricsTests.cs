using System.Globalization;
using Viaduct.Operations.Tests.Support;
using Viaduct.Samples;
using Viaduct.Shared.Data.Operations;
using Viaduct.Testing;

namespace Viaduct.Operations.Tests;

/// <summary>
/// <c>/metrics</c> of a running engine tells what it did and what waits for it, per engine: items processed,
/// failures, batch durations, backlog and lag; and each host's row in <c>engine_hosts</c> says the same to the operator.
/// </summary>
public sealed class MetricsTests
{
    private const string Processed = "viaduct_items_processed_total";
    private const string Failures = "viaduct_failures_total";
    private const string BatchCount = "viaduct_batch_duration_seconds_count";
    private const string BatchBucket = "viaduct_batch_duration_seconds_bucket";
    private const string Backlog = "viaduct_backlog";
    private const string Lag = "viaduct_lag_seconds";
    private const string E2 = EngineNames.Transformer;

    [Fact]
    public async Task E2s_backlog_and_lag_count_the_waiting_results_and_its_work_shows_as_items_batches_and_an_empty_backlog()
    {
        const int results = 25;
        await using var world = await EngineWorld.StartAsync();
        await StoredResults.AddAsync(world.Database, [.. Enumerable.Range(0, results).Select(i => SyntheticEclrs.Row(21, i))]);

        // With its loop off, E2 only looks: everything waits for it.
        await using (var idle = await world.StartAsync(E2, s => s["E2:WorkerEnabled"] = "false"))
        {
            var waiting = await idle.ScrapeUntilAsync(
                m => m.Value(Backlog, E2) == results && m.Value(Lag, E2) > 0, $"E2's backlog to be {results} and its lag above 0");
            Assert.True(
                waiting.MediaType is "text/plain" or "application/openmetrics-text",
                $"/metrics answered {waiting.MediaType}, not the Prometheus text format");
            Assert.Equal(0, waiting.Value(Processed, E2));
            Assert.Equal(0, waiting.Value(Failures, E2));
        }

        await using var working = await world.StartAsync(E2);
        var done = await working.ScrapeUntilAsync(
            m => m.Value(Processed, E2) == results && m.Value(Backlog, E2) == 0, $"E2 to process {results} results and its backlog to empty");
        Assert.True(done.Value(BatchCount, E2) >= 1, "no batch was timed");
        Assert.Equal(0, done.Value(Lag, E2));
        Assert.Equal(done.Value(BatchCount, E2), done.Value(BatchBucket, E2, le: "+Inf"));
        Assert.Equal("counter", done.Types[Processed]);
        Assert.Equal("counter", done.Types[Failures]);
        Assert.Equal("histogram", done.Types["viaduct_batch_duration_seconds"]);
        Assert.Equal("gauge", done.Types[Backlog]);
        Assert.Equal("gauge", done.Types[Lag]);
        // The buckets are seconds: a batch of 25 results is told apart from one of a minute.
        Assert.Contains(done.Series(BatchBucket, E2), s => s.Labels["le"] is var le && le != "+Inf" && double.Parse(le, CultureInfo.InvariantCulture) < 1);
        Assert.Equal(done.Value(BatchCount, E2), done.Value(BatchBucket, E2, le: "60"));

        var row = await Eventually.ReturnsAsync(
            () => HostRow.ReadAsync(world.Database, E2), r => r is { ItemsProcessed: results, ItemsPerMinute: > 0 }, TimeSpan.FromSeconds(10),
            "E2's engine_hosts row to show its items and throughput");
        Assert.Equal(0, row!.Failures);
        Assert.Null(row.LastError);
    }

    [Fact]
    public async Task A_result_E2_cannot_read_is_counted_as_a_failure_and_becomes_the_hosts_last_error()
    {
        await using var world = await EngineWorld.StartAsync();
        await StoredResults.AddAsync(world.Database, SyntheticEclrs.Row(22, 0), "not|an|eclrs|row");

        var e2 = await world.StartAsync(E2);
        var scrape = await e2.ScrapeUntilAsync(m => m.Value(Failures, E2) == 1 && m.Value(Processed, E2) == 1, "E2 to count one failure and one result");
        Assert.Equal(0, scrape.Value(Backlog, E2));

        var row = await Eventually.ReturnsAsync(
            () => HostRow.ReadAsync(world.Database, E2), r => r is { Failures: 1 }, TimeSpan.FromSeconds(10), "E2's engine_hosts row to count the failure");
        Assert.Equal(1, row!.ItemsProcessed);
        Assert.Contains("failed", row.LastError, StringComparison.Ordinal);
        Assert.NotNull(row.LastErrorAt);
    }

    [Fact]
    public async Task Pulls_that_CommCare_answers_with_500_are_counted_as_E5_failures_and_become_the_hosts_last_error()
    {
        const string E5 = EngineNames.Sync;
        await using var world = await EngineWorld.StartAsync(withCommCare: true);
        var domain = CommCareFixture.NewDomain();
        await world.Database.ExecuteAsync(
            "INSERT INTO counties (fips, name, domain, location_id, participating, statewide) VALUES ('36001', 'Albany', $1, 'loc-36001', true, false)",
            domain);
        await world.CommCare!.ChangeFaultsAsync(new { failure_rate = 1.0, failure_status_codes = new[] { 500 }, methods = new[] { "GET" } });

        var e5 = await world.StartAsync(E5, s => s["CommCare:MaxRetries"] = "0");
        var scrape = await e5.ScrapeUntilAsync(m => m.Value(Failures, E5) >= 1, "E5 to count a failed pull");
        Assert.Equal(0, scrape.Value(Processed, E5));

        var row = await Eventually.ReturnsAsync(
            () => HostRow.ReadAsync(world.Database, E5), r => r is { Failures: >= 1 }, TimeSpan.FromSeconds(10), "E5's engine_hosts row to count the failure");
        Assert.Equal($"domain {domain}: Reading changes of domain {domain} answered 500", row!.LastError);
        Assert.Equal(0, row.ItemsProcessed);
        // The domain's own cursor row says why, as the operator's view shows it.
        Assert.Equal("Reading changes of domain " + domain + " answered 500",
            await world.Database.ScalarAsync<string>("SELECT last_error FROM sync_cursors WHERE domain = $1", domain));
    }
}
