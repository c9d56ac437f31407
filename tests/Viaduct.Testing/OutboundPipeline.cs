using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E3.Enqueuer;
using Viaduct.Engines.E4.Loader;
using Viaduct.Shared.Hosting;
using Viaduct.Samples;

namespace Viaduct.Testing;

/// <summary>
/// The outbound half of Viaduct on real parts: a test database, the real E2 (to make cases from synthetic results),
/// the real E3 with its loop off (the test enqueues), the real E4 with its Hangfire server running, and a real
/// CommCare-like server over HTTP on 127.0.0.1, keeping its cases in its own schema of the same database. It makes
/// the database and the server itself, or runs on a test's own (which it then leaves to the test to dispose).
/// </summary>
public sealed class OutboundPipeline : IAsyncDisposable
{
    private readonly IHost _e3;
    private readonly bool _ownsServers;

    private OutboundPipeline(ViaductDatabase database, CommCareServer commCare, IHost e3, bool ownsServers)
    {
        Database = database;
        CommCare = commCare;
        _e3 = e3;
        _ownsServers = ownsServers;
    }

    public ViaductDatabase Database { get; }
    public CommCareServer CommCare { get; }
    public WebApplication? E4 { get; private set; }
    public CaseEnqueuer Enqueuer => _e3.Services.GetRequiredService<CaseEnqueuer>();

    public static async Task<OutboundPipeline> StartAsync(int casesPerJob = 5)
    {
        var database = new ViaductDatabase();
        await database.InitializeAsync();
        var commCare = await CommCareServer.StartAsync(database.ConnectionString);
        return await StartAsync(database, commCare, casesPerJob, ownsServers: true);
    }

    /// <summary>The pipeline on a database and CommCare-like server the test owns.</summary>
    public static Task<OutboundPipeline> StartAsync(ViaductDatabase database, CommCareServer commCare, int casesPerJob = 5) =>
        StartAsync(database, commCare, casesPerJob, ownsServers: false);

    private static async Task<OutboundPipeline> StartAsync(ViaductDatabase database, CommCareServer commCare, int casesPerJob, bool ownsServers)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(commCare);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Viaduct"] = database.ConnectionString,
            ["E3:WorkerEnabled"] = "false",
            ["E3:CasesPerJob"] = casesPerJob.ToString(CultureInfo.InvariantCulture),
        });
        builder.AddE3Enqueuer();
        var e3 = builder.Build();
        await e3.StartAsync();
        return new OutboundPipeline(database, commCare, e3, ownsServers);
    }

    /// <summary>Stores <paramref name="rows"/> synthetic results and lets the real E2 make people, cases and lab results of them.</summary>
    public async Task SeedAsync(int rows, int seed = 5)
    {
        await StoredResults.AddAsync(Database, [.. Enumerable.Range(0, rows).Select(i => SyntheticEclrs.Row(seed, i))]);
        await InProcessEngines.TransformAllAsync(Database);
    }

    /// <summary>Starts E4 (its Hangfire server, /health and /metrics) against the database and the CommCare-like server.</summary>
    public async Task<WebApplication> StartE4Async(Action<IDictionary<string, string?>>? configure = null, LogCapture? logs = null)
    {
        var settings = new Dictionary<string, string?>(CommCare.ClientSettings())
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Viaduct"] = Database.ConnectionString,
            ["E4:WorkerCount"] = "4",
            ["E4:QueuePollInterval"] = "00:00:00.100",
            ["E4:SchedulePollingInterval"] = "00:00:00.500",
            ["E4:InvisibilityTimeout"] = "00:00:05",
            ["E4:RetryDelays:0"] = "00:00:01",
        };
        configure?.Invoke(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddE4Loader(logs is null ? null : logs.Configure);
        var app = builder.Build();
        app.MapViaductOperations();
        await app.StartAsync();
        E4 = app;
        return app;
    }

    /// <summary>Enqueues every changed postable case. Returns how many.</summary>
    public async Task<int> EnqueueAllAsync()
    {
        var total = 0;
        int claimed;
        while ((claimed = await Enqueuer.EnqueueBatchAsync(CancellationToken.None)) > 0)
        {
            total += claimed;
        }

        return total;
    }

    /// <summary>Waits until no case waits for a job any more; on a timeout says where the waiting cases' jobs stand.</summary>
    public async Task WaitUntilSettledAsync(TimeSpan timeout)
    {
        try
        {
            await Eventually.ReturnsAsync(
                () => Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE post_state = 'enqueued'"), n => n == 0, timeout,
                "every enqueued case to be posted, parked or failed");
        }
        catch (TimeoutException ex)
        {
            var stuck = await Database.ScalarAsync<string>(Stuck);
            throw new TimeoutException(ex.Message + "\n" + stuck, ex);
        }
    }

    private const string Stuck = """
        SELECT coalesce(string_agg(format('case %s job %s (%s): %s; tries: %s', c.id, c.post_job_id, j.statename, c.post_error,
            (SELECT string_agg(a.outcome || coalesce(' ' || a.status_code, ''), ', ' ORDER BY a.id) FROM post_attempts a WHERE a.index_case_id = c.id)),
            chr(10)), '')
        FROM index_cases c LEFT JOIN hangfire.job j ON j.id::text = c.post_job_id
        WHERE c.post_state = 'enqueued'
        """;

    public async ValueTask DisposeAsync()
    {
        if (E4 is not null)
        {
            await E4.StopAsync();
            await E4.DisposeAsync();
        }

        await _e3.StopAsync();
        _e3.Dispose();
        if (_ownsServers)
        {
            await CommCare.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
