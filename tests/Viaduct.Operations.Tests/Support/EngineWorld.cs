using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Serilog;
using Viaduct.Shared.Data.Operations;
using Viaduct.Testing;

namespace Viaduct.Operations.Tests.Support;

/// <summary>
/// What the engines of one test run against: a fresh migrated database, an inbox (bucket and queue) of its own on the
/// S3/SQS emulator, and, when asked for, a CommCare-like server keeping its cases in the same database. Starts engine
/// hosts with settings that make them quick (status reports every 200 ms, short polls) and stops them all at the end.
/// </summary>
public sealed class EngineWorld : IAsyncDisposable
{
    /// <summary>How often each host writes its gauges and its <c>engine_hosts</c> row here.</summary>
    public const string ReportInterval = "00:00:00.200";

    private readonly List<RunningEngine> _engines = [];

    private EngineWorld(ViaductDatabase database, S3Inbox inbox, CommCareServer? commCare)
    {
        Database = database;
        Inbox = inbox;
        CommCare = commCare;
    }

    public ViaductDatabase Database { get; }

    public S3Inbox Inbox { get; }

    public CommCareServer? CommCare { get; }

    public static async Task<EngineWorld> StartAsync(bool withCommCare = false, LogCapture? commCareLogs = null)
    {
        // The SDK's credential chain reads these; the emulator accepts any.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "test");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "test");
        var database = new ViaductDatabase();
        await database.InitializeAsync();
        var inbox = new S3Inbox();
        await inbox.InitializeAsync();
        CommCareServer? commCare = null;
        if (withCommCare)
        {
            commCare = await CommCareServer.StartAsync(database.ConnectionString, logs: commCareLogs);
        }

        return new EngineWorld(database, inbox, commCare);
    }

    /// <summary>The settings <paramref name="engine"/> runs with here, before the test's changes.</summary>
    public Dictionary<string, string?> Settings(string engine)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Viaduct"] = Database.ConnectionString,
            ["Operations:ReportInterval"] = ReportInterval,
        };
        // Without a server of the test's own, the CommCare clients point at a closed port: nothing is posted or pulled.
        var commCare = CommCare?.ClientSettings() ?? new Dictionary<string, string?>
        {
            ["CommCare:BaseUrl"] = ClosedPortUrl(),
            ["CommCare:Username"] = CommCareServer.Username,
            ["CommCare:ApiKey"] = CommCareServer.ApiKey,
        };
        switch (engine)
        {
            case EngineNames.Extractor:
                settings["Aws:ServiceUrl"] = Inbox.ServiceUrl;
                settings["E1:Bucket"] = Inbox.Bucket;
                settings["E1:InboxPrefix"] = S3Inbox.Prefix;
                settings["E1:Queue"] = Inbox.QueueUrl;
                settings["E1:ReceiveWaitTime"] = "00:00:01";
                settings["E1:MaxReceiveCount"] = Inbox.MaxReceiveCount.ToString(CultureInfo.InvariantCulture);
                settings["E1:SweepEnabled"] = "false";
                settings["E1:CompactorEnabled"] = "false";
                break;
            case EngineNames.Transformer:
                settings["E2:PollInterval"] = "00:00:01";
                break;
            case EngineNames.Enqueuer:
                settings["E3:PollInterval"] = "00:00:01";
                settings["E3:CasesPerJob"] = "5";
                break;
            case EngineNames.Loader:
                foreach (var (key, value) in commCare)
                {
                    settings[key] = value;
                }

                settings["E4:WorkerCount"] = "4";
                settings["E4:QueuePollInterval"] = "00:00:00.100";
                settings["E4:SchedulePollingInterval"] = "00:00:00.500";
                settings["E4:InvisibilityTimeout"] = "00:00:05";
                settings["E4:RetryDelays:0"] = "00:00:01";
                break;
            case EngineNames.Sync:
                foreach (var (key, value) in commCare)
                {
                    settings[key] = value;
                }

                settings["E5:PollInterval"] = "00:00:01";
                settings["E5:ClaimInterval"] = "00:00:00.100";
                settings["CommCare:RetryDelay"] = "00:00:00.050";
                break;
            default:
                throw new ArgumentException($"no engine is named '{engine}'", nameof(engine));
        }

        return settings;
    }

    /// <summary>Starts <paramref name="engine"/> with <see cref="Settings"/>, changed by <paramref name="configure"/>.</summary>
    public async Task<RunningEngine> StartAsync(
        string engine, Action<IDictionary<string, string?>>? configure = null, Action<LoggerConfiguration>? configureLogging = null)
    {
        var settings = Settings(engine);
        configure?.Invoke(settings);
        // A host the test does not listen to logs nowhere, not to the test run's console.
        var running = await RunningEngine.StartAsync(engine, settings, configureLogging ?? (_ => { }));
        _engines.Add(running);
        return running;
    }

    /// <summary>An <c>http://127.0.0.1:port/</c> where nothing listens: a port just bound and let go.</summary>
    public static string ClosedPortUrl() => $"http://127.0.0.1:{ClosedPort()}/";

    /// <summary>A loopback port where nothing listens.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var engine in Enumerable.Reverse(_engines))
        {
            await engine.DisposeAsync();
        }

        if (CommCare is not null)
        {
            await CommCare.DisposeAsync();
        }

        await Inbox.DisposeAsync();
        await Database.DisposeAsync();
    }
}
