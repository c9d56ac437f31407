using System.Globalization;
using Viaduct.Samples;
using Viaduct.Shared.Data.Operations;
using Viaduct.Testing;

namespace Viaduct.Operations.Tests.Support;

/// <summary>
/// One file through every engine, each a running host with its loops on: E1 imports it from the inbox, E2 transforms
/// its results, E3 enqueues the cases, E4 posts them to the CommCare-like server, E5 pulls them back and then a case a
/// person edited there. Every log event of every host is kept; each host's <c>/metrics</c> and every
/// <c>engine_hosts</c> row are read once all the work is done, before the hosts stop.
/// </summary>
public sealed class PipelineRun : IAsyncLifetime
{
    public const int Rows = 60;

    private const string EditedCity = "EDITED-IN-COMMCARE";

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private EngineWorld? _world;

    /// <summary>Each engine's log events, by engine name.</summary>
    public Dictionary<string, LogEvents> Logs { get; } = EngineNames.All.ToDictionary(e => e, _ => new LogEvents());

    public LogCapture CommCareLogs { get; } = new();

    /// <summary>Each engine's <c>/metrics</c> at the end of the run, by engine name.</summary>
    public Dictionary<string, PrometheusScrape> Scrapes { get; } = [];

    public IReadOnlyList<HostRow> HostRows { get; private set; } = [];

    public PatientData Patients { get; private set; } = null!;

    public ViaductDatabase Database => _world!.Database;

    public async Task InitializeAsync()
    {
        _world = await EngineWorld.StartAsync(withCommCare: true, CommCareLogs);
        var engines = new List<RunningEngine>();
        // E2 first: it writes the counties the others route and pull by.
        foreach (var engine in new[] { EngineNames.Transformer, EngineNames.Enqueuer, EngineNames.Loader, EngineNames.Sync, EngineNames.Extractor })
        {
            engines.Add(await _world.StartAsync(engine, s => s["E5:PollInterval"] = "00:00:02", Logs[engine].Configure));
        }

        using (var file = new StringWriter(CultureInfo.InvariantCulture))
        {
            SyntheticEclrs.Write(file, new SyntheticEclrsOptions { Rows = Rows, Seed = 41 });
            await _world.Inbox.PutAsync("inbox/pipeline-run.txt", file.ToString());
        }

        var db = _world.Database;
        await Eventually.ReturnsAsync(
            () => db.ScalarAsync<long>("SELECT count(*) FROM files WHERE state = 'processed'"), n => n == 1, StepTimeout, "E1 to import the file");
        await Eventually.ReturnsAsync(
            () => db.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE transformed_at IS NULL"), n => n == 0, StepTimeout,
            "E2 to transform every result");
        var posted = await Eventually.ReturnsAsync(
            () => db.ScalarAsync<long>("SELECT CASE WHEN bool_and(post_state = 'posted') THEN count(*) ELSE 0 END FROM index_cases WHERE postable"),
            n => n > 0, StepTimeout, "E3 to enqueue and E4 to post every postable case");
        await Eventually.ReturnsAsync(
            () => db.ScalarAsync<long>("SELECT coalesce(sum(cases), 0)::bigint FROM sync_runs WHERE outcome = 'succeeded'"), n => n >= posted,
            StepTimeout, "E5 to pull the posted cases back");
        await EditInCommCareAsync(db, _world.CommCare!);

        foreach (var engine in engines)
        {
            Scrapes[engine.Engine] = await engine.ScrapeUntilAsync(
                m => m.Value("viaduct_batch_duration_seconds_count", engine.Engine) >= 1
                    && (engine.Engine == EngineNames.Sync || m.Value("viaduct_backlog", engine.Engine) == 0),
                $"{engine.Engine}'s /metrics to show its batches and, but for E5 (whose domains fall due again and again), an empty backlog");
        }

        HostRows = await Eventually.ReturnsAsync(
            () => HostRow.ReadAllAsync(db), rows => rows.Count(r => r.ItemsPerMinute > 0) == EngineNames.All.Count, StepTimeout,
            "every host to report its work in engine_hosts");

        foreach (var engine in engines)
        {
            await engine.StopAsync();
        }

        Patients = await PatientData.ReadAsync(db);
    }

    public async Task DisposeAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
    }

    // A person in CommCare edits a posted case: E5 brings the change home.
    private static async Task EditInCommCareAsync(ViaductDatabase db, CommCareServer commCare)
    {
        long caseId;
        string domain, externalId;
        await using (var command = db.DataSource.CreateCommand(
            "SELECT id, posted_domain, external_id FROM index_cases WHERE post_state = 'posted' ORDER BY id LIMIT 1"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync(), "no case was posted");
            (caseId, domain, externalId) = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
        }

        await commCare.UpsertAsync(domain, new[]
        {
            new { external_id = externalId, properties = new Dictionary<string, string> { ["address_city"] = EditedCity } },
        });
        await Eventually.ReturnsAsync(
            () => db.ScalarAsync<string>("SELECT coalesce(properties->>'address_city', '') FROM index_cases WHERE id = $1", caseId),
            city => city == EditedCity, StepTimeout, "E5 to bring the edit back");
    }
}
