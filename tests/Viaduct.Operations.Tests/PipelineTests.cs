using System.Globalization;
using Serilog.Events;
using Viaduct.Operations.Tests.Support;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Operations.Tests;

/// <summary>
/// After one file went through every engine (<see cref="PipelineRun"/>): no log event of any host carries a patient's
/// name, date of birth, address or phone; each engine's events can be tied to the host and the batch that wrote them;
/// and each engine's work shows in its <c>/metrics</c> and its <c>engine_hosts</c> row.
/// </summary>
public sealed class PipelineTests(PipelineRun run) : IClassFixture<PipelineRun>
{
    public static TheoryData<string> Engines => [.. EngineNames.All];

    [Fact]
    public void No_host_logs_a_patients_name_date_of_birth_address_or_phone()
    {
        Assert.Equal(PipelineRun.Rows, run.Patients.Results);
        Assert.True(run.Patients.Values.Count > 100, $"only {run.Patients.Values.Count} patient values were read back");
        foreach (var (engine, events) in run.Logs)
        {
            Assert.NotEmpty(events.All);
            var leaks = events.All.SelectMany(e => run.Patients.FoundIn(e).Select(found => $"{found} in {Describe(e)}")).Take(10).ToList();
            Assert.True(leaks.Count == 0, $"{engine} logged patient data:\n{string.Join('\n', leaks)}");
        }

        Assert.NotEmpty(run.CommCareLogs.Lines);
        var serverLeaks = run.CommCareLogs.Lines.SelectMany(line => run.Patients.FoundIn(line).Select(found => $"{found} in {line}")).Take(10).ToList();
        Assert.True(serverLeaks.Count == 0, $"the CommCare-like server logged patient data:\n{string.Join('\n', serverLeaks)}");
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Every_event_names_its_engine_and_host_and_the_engines_own_events_in_a_batch_name_the_batch(string engine)
    {
        var events = run.Logs[engine];
        Assert.All(events.All, e =>
        {
            Assert.Equal(engine, LogEvents.Property(e, "Engine"));
            Assert.False(string.IsNullOrEmpty(LogEvents.Property(e, "Host")), $"no Host on {Describe(e)}");
        });
        Assert.Contains(events.With("BatchId"), e => LogEvents.Property(e, "SourceContext")?.StartsWith("Viaduct.", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Batch_ids_name_the_file_the_job_and_the_pull_they_belong_to()
    {
        var fileId = await run.Database.ScalarAsync<long>("SELECT id FROM files");
        Assert.Contains($"file-{fileId.ToString(CultureInfo.InvariantCulture)}", BatchIds(EngineNames.Extractor));

        var jobIds = (await run.Database.ScalarAsync<string[]>("SELECT array_agg(DISTINCT job_id) FROM post_attempts WHERE job_id IS NOT NULL"))
            .Select(id => $"job-{id}").ToHashSet();
        Assert.Contains(BatchIds(EngineNames.Loader), jobIds.Contains);

        var runIds = (await run.Database.ScalarAsync<long[]>("SELECT array_agg(id) FROM sync_runs WHERE cases > 0"))
            .Select(id => $"sync-{id.ToString(CultureInfo.InvariantCulture)}").ToHashSet();
        Assert.Contains(BatchIds(EngineNames.Sync), runIds.Contains);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Each_engines_metrics_show_its_items_batches_failures_backlog_and_lag(string engine)
    {
        var scrape = run.Scrapes[engine];
        Assert.True(scrape.Value("viaduct_items_processed_total", engine) > 0, $"{engine} processed nothing:\n{scrape}");
        Assert.Equal(0, scrape.Value("viaduct_failures_total", engine));
        Assert.True(scrape.Value("viaduct_batch_duration_seconds_count", engine) >= 1);
        Assert.True(scrape.Value("viaduct_batch_duration_seconds_sum", engine) > 0);
        Assert.NotNull(scrape.Value("viaduct_backlog", engine));
        Assert.NotNull(scrape.Value("viaduct_lag_seconds", engine));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Each_engines_host_reports_its_items_and_throughput_in_engine_hosts(string engine)
    {
        var row = Assert.Single(run.HostRows, r => r.Engine == engine);
        Assert.True(row.ItemsProcessed > 0, $"{row}");
        Assert.True(row.ItemsPerMinute > 0, $"{row}");
        Assert.Equal(0, row.Failures);
        Assert.Null(row.LastError);
    }

    private HashSet<string> BatchIds(string engine) =>
        [.. run.Logs[engine].With("BatchId").Select(e => LogEvents.Property(e, "BatchId")!)];

    private static string Describe(LogEvent e) =>
        $"[{e.Level} {LogEvents.Property(e, "SourceContext")}] {e.MessageTemplate.Text}";
}
