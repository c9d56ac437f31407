using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Viaduct.Shared.Data;

namespace Viaduct.Bench;

internal sealed record E4BenchmarkSettings(
    int Rows, int Seed, int Workers, int? CasesPerJob, int? E3BatchSize, int LatencyMs, int NoOpJobs,
    int LatencyBatches, int LatencyMinRows, int LatencyMaxRows, int MaxPauseMs, TimeSpan Timeout,
    string? E2Directory, string? E3Directory, string? E4Directory, string? CommCareDirectory,
    IReadOnlyList<(string Name, string Value)> EngineEnvironment, IReadOnlyList<(string Name, string Value)> DatabaseSettings,
    bool Profile, bool KeepDatabase)
{
    /// <summary>E4's own default of E4:WorkerCount, used when --workers is not given (the reference runs as many).</summary>
    public const int DefaultWorkers = 10;

    public static readonly string[] Options =
    [
        "rows", "seed", "workers", "cases-per-job", "e3-batch-size", "latency-ms", "noop-jobs", "latency-batches", "latency-rows",
        "max-pause-ms", "timeout", "e2-dir", "e3-dir", "e4-dir", "commcare-dir", "env", "pg-set",
    ];

    public static readonly string[] Flags = ["profile", "keep-database"];

    public static E4BenchmarkSettings From(BenchArguments arguments)
    {
        var (minRows, maxRows) = E2BenchmarkSettings.ParseRange(arguments.String("latency-rows") ?? "5-30", "latency-rows");
        return new E4BenchmarkSettings(
            arguments.Int("rows", 33_334, 1, 5_000_000),
            arguments.Int("seed", 1, int.MinValue, int.MaxValue),
            arguments.Int("workers", DefaultWorkers, 1, 200),
            arguments.String("cases-per-job") is null ? null : arguments.Int("cases-per-job", 0, 1, 100),
            arguments.String("e3-batch-size") is null ? null : arguments.Int("e3-batch-size", 0, 1, 20_000),
            arguments.Int("latency-ms", 20, 0, 60_000),
            arguments.Int("noop-jobs", 2_000, 0, 1_000_000),
            arguments.Int("latency-batches", 60, 0, 10_000),
            minRows,
            maxRows,
            arguments.Int("max-pause-ms", 500, 0, 60_000),
            TimeSpan.FromSeconds(arguments.Int("timeout", 900, 10, 86_400)),
            arguments.String("e2-dir"),
            arguments.String("e3-dir"),
            arguments.String("e4-dir"),
            arguments.String("commcare-dir"),
            ParseEnvironment(arguments.String("env")),
            E1BenchmarkSettings.ParseDatabaseSettings(arguments.String("pg-set")),
            arguments.Flag("profile"),
            arguments.Flag("keep-database"));
    }

    // "E4__MaxItemsPerRequest=50,E3__PollInterval=00:00:01" -> environment variables for the E3 and E4 processes.
    private static List<(string Name, string Value)> ParseEnvironment(string? text)
    {
        var variables = new List<(string, string)>();
        foreach (var item in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? item[..equals].Trim() : "";
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new UsageException($"--env takes NAME=VALUE[,NAME=VALUE...] (names like E4__MaxItemsPerRequest), not '{item}'");
            }

            variables.Add((name, item[(equals + 1)..].Trim()));
        }

        return variables;
    }
}

/// <summary>
/// The <c>e4</c> command: the outbound half (E3 enqueuer, E4 loader, the CommCare-like server answering after a set
/// latency), each a process of its own, against a fresh database.
/// <list type="number">
/// <item>Reference: plain no-op Hangfire jobs on the same storage, run by a Hangfire server of E4's worker count in
/// this process: what Hangfire itself manages here.</item>
/// <item>Throughput: synthetic results stored as E1 leaves them and transformed by the real E2 (a process) into
/// people, index cases and lab results while E3 and E4 do not run; then E3 and E4 start and post every changed case.
/// Cases/s from E3's first claim (enqueued_at) to the last post (posted_at), both from the database clock; then every
/// case is checked to be posted exactly once downstream.</item>
/// <item>Latency: with E2, E3 and E4 running, small batches of new results arrive over time; per case changed by
/// them, E2's change (index_cases.changed_at, set in E2's transaction) -> the post (posted_at), p50 and p99.</item>
/// </list>
/// </summary>
internal static class E4Benchmark
{
    private const double ThroughputTarget = 300;

    private const int JobFinishedEventId = 4000;
    private const int EnqueuedEventId = 3000;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan QueuePollInterval = TimeSpan.FromMilliseconds(200);
    internal const string ApiUser = "bench@example.org";

    // The API key of the benchmark's own user on the CommCare-like server it starts.
    internal static readonly string ApiKey = BenchCommands.NewId();

    public static async Task<int> RunAsync(E4BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var admin = E1Benchmark.Variable("VIADUCT_TEST_POSTGRES") ?? E1Benchmark.Variable("ConnectionStrings__Viaduct")
            ?? throw new UsageException("set VIADUCT_TEST_POSTGRES (or ConnectionStrings__Viaduct): source .local/infra.env or use scripts/bench.sh");
        var e2Directory = EngineProcess.Locate(EngineKind.E2, settings.E2Directory);
        var e3Directory = EngineProcess.Locate(EngineKind.E3, settings.E3Directory);
        var e4Directory = EngineProcess.Locate(EngineKind.E4, settings.E4Directory);
        var commCareDirectory = EngineProcess.Locate(EngineKind.CommCare, settings.CommCareDirectory);

        var report = new BenchReport("E4 benchmark (E3 enqueuer + E4 loader -> CommCare-like server)");
        report.Setting("results (synthetic, stored as E1 leaves them)", $"{settings.Rows.ToString("N0", Inv)} (seed {settings.Seed}), transformed by the real E2");
        report.Setting("CommCare-like server latency", $"{settings.LatencyMs} ms before each API request (CommCare:Faults:Latency), no other faults");
        report.Setting("E4 workers (E4:WorkerCount)", settings.Workers == E4BenchmarkSettings.DefaultWorkers
            ? $"{settings.Workers} (E4's default)" : settings.Workers.ToString(Inv));
        report.Setting("cases per job (E3:CasesPerJob)", settings.CasesPerJob is { } perJob ? perJob.ToString(Inv) : "E3's default (100)");
        report.Setting("E3 claim batch (E3:BatchSize)", settings.E3BatchSize is { } e3Batch ? e3Batch.ToString(Inv) : "E3's default (5,000)");
        foreach (var (name, value) in settings.EngineEnvironment)
        {
            report.Setting("E3/E4 environment (--env)", $"{name}={value}");
        }

        report.Setting("latency phase", settings.LatencyBatches == 0 ? "off" : $"{settings.LatencyBatches} batches of {settings.LatencyMinRows}-{settings.LatencyMaxRows} "
            + $"new results, a pause of {settings.MaxPauseMs / 5}-{settings.MaxPauseMs} ms after each");
        report.Setting("engines", $"{Path.Combine(e2Directory, EngineKind.E2.AssemblyFile)}, {EngineKind.E3.AssemblyFile}, {EngineKind.E4.AssemblyFile}, "
            + $"{EngineKind.CommCare.AssemblyFile} (each from its own Release output)");

        BenchDatabase? database = null;
        var processes = new List<EngineProcess>();
        var failed = false;
        var checksFailed = false;
        try
        {
            database = await BenchDatabase.PrepareAsync(admin, settings.KeepDatabase, settings.DatabaseSettings, report, cancellationToken);

            Progress($"database {database.Name} migrated");

            // (a) the reference: no-op jobs on the same storage, before anything else runs
            HangfireReference.Result? reference = null;
            if (settings.NoOpJobs > 0)
            {
                reference = await HangfireReference.RunAsync(database, settings.NoOpJobs, settings.Workers, QueuePollInterval, settings.Timeout, cancellationToken);
                report.Figure("reference: no-op Hangfire jobs", $"{E1Benchmark.Rate(reference.Jobs, reference.RunSeconds)} jobs/s run "
                    + $"({reference.Jobs.ToString("N0", Inv)} jobs, {reference.Workers} workers, server start -> all succeeded {reference.RunSeconds.ToString("N2", Inv)} s)");
                report.Figure("  first start -> last success", $"{reference.FirstStartToLastSuccessSeconds.ToString("N2", Inv)} s = "
                    + $"{E1Benchmark.Rate(reference.Jobs, reference.FirstStartToLastSuccessSeconds)} jobs/s (Hangfire's state times)");
                report.Figure("  created (one client, one by one)", $"{E1Benchmark.Rate(reference.Jobs, reference.EnqueueSeconds)} jobs/s "
                    + $"({reference.EnqueueSeconds.ToString("N2", Inv)} s, before the server started)");
                report.Figure("  workers stuck after a fetch", reference.StuckFetches);
                Progress($"reference: {reference.Jobs / reference.RunSeconds:N0} no-op jobs/s");
            }

            // (b) the changed cases: results stored, the real E2 transforms them (E3 and E4 not running yet)
            var e2Log = new EngineEventLog();
            var stored = await BenchResults.AddAsync(database, settings.Seed, 0, settings.Rows, cancellationToken);
            var e2 = EngineProcess.Start(EngineKind.E2, e2Directory, EngineEnvironment(database), e2Log.OnLine);
            processes.Add(e2);
            await TransformAllAsync(database, e2, report, settings.Timeout, cancellationToken);
            var cases = await CountCasesAsync(database, report, cancellationToken);
            await database.ExecuteAsync("ANALYZE", cancellationToken);
            await database.ExecuteAsync("CHECKPOINT", cancellationToken);

            // (c) the CommCare-like server and E4, started and idle; then E3
            var commCareLog = new EngineEventLog();
            var (commCare, commCareUrl) = await StartCommCareAsync(commCareDirectory, database, settings.LatencyMs, commCareLog, cancellationToken);
            processes.Add(commCare);
            using var api = new HttpClient { BaseAddress = commCareUrl, Timeout = TimeSpan.FromSeconds(30) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", $"{ApiUser}:{ApiKey}");
            report.Setting("CommCare-like server", $"pid {commCare.Id}, {commCareUrl}; faults in force: {await GetJsonAsync(api, "/_control/faults", cancellationToken)}");

            var e4Log = new EngineEventLog(JobFinishedEventId);
            var e4 = EngineProcess.Start(EngineKind.E4, e4Directory, E4Environment(database, settings, commCareUrl), e4Log.OnLine);
            processes.Add(e4);
            await WaitForPostingServerAsync(database, e4, settings.Timeout, cancellationToken);
            Progress($"CommCare-like server (pid {commCare.Id}) and E4 (pid {e4.Id}) are up");

            var e3Log = new EngineEventLog(EnqueuedEventId);
            var throughput = await PostAllAsync(
                settings, database, e3Directory, processes, e3Log, e4Log, commCare, api, cases, report, cancellationToken);
            var e3 = throughput.E3;
            checksFailed |= await CheckDownstreamAsync(database, report, "after the throughput phase", exactlyOnce: true, cancellationToken);

            // (d) latency: E2, E3 and E4 all running; small batches of new results over time
            LatencyResult? latency = null;
            if (settings.LatencyBatches > 0)
            {
                latency = await MeasureLatencyAsync(settings, database, processes, api, report, cancellationToken);
                checksFailed |= await CheckDownstreamAsync(database, report, "after the latency phase", exactlyOnce: false, cancellationToken);
            }

            foreach (var (name, log) in new[] { ("E2", e2Log), ("E3", e3Log), ("E4", e4Log), ("CommCare-like server", commCareLog) })
            {
                report.Figure($"{name} warnings and errors logged", log.ProblemCount.ToString("N0", Inv));
                foreach (var problem in log.Problems())
                {
                    report.Figure("  ", problem);
                }
            }

            report.Figure("peak RSS (VmHWM)", string.Join(", ", new[] { ("E3", e3), ("E4", e4), ("CommCare-like server", commCare) }
                .Select(p => $"{p.Item1} {(p.Item2.PeakRssBytes() is { } peak ? (peak / 1048576.0).ToString("N0", Inv) : "n/a")} MB")));

            // Stopped in the order of the flow: nothing new is enqueued while E4 drains.
            foreach (var process in new[] { e3, e4, e2, commCare })
            {
                report.Setting($"{process.Kind.Name} stop (pid {process.Id})", await process.StopAsync(TimeSpan.FromSeconds(20)));
            }

            report.Target($"E3 + E4 >= {ThroughputTarget:N0} cases/s", throughput.CasesPerSecond >= ThroughputTarget,
                $"{E1Benchmark.Rate(throughput.CasesPerSecond)} cases/s ({throughput.Cases.ToString("N0", Inv)} cases, first enqueue -> last post)"
                + (reference is null ? "" : $"; reference {E1Benchmark.Rate(reference.Jobs, reference.RunSeconds)} no-op jobs/s")
                + (latency is null ? "" : $"; E2 commit -> post p50 {Ms(latency.P50)}, p99 {Ms(latency.P99)}"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failed = true;
            BenchRun.ReportFailure(report, ex, processes, tailLines: 15);
        }
        finally
        {
            await BenchRun.DisposeAsync([.. Enumerable.Reverse(processes), database]);
        }

        return BenchRun.Finish(report, failed, checksFailed, "what was posted");
    }

    private static Dictionary<string, string> EngineEnvironment(BenchDatabase database) => new(StringComparer.Ordinal)
    {
        ["ConnectionStrings__Viaduct"] = database.EngineConnectionString,
        ["Viaduct__LogFormat"] = "json",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
    };

    private static Dictionary<string, string> E4Environment(BenchDatabase database, E4BenchmarkSettings settings, Uri commCareUrl)
    {
        var environment = EngineEnvironment(database);
        environment["Urls"] = $"http://127.0.0.1:{FreePort()}";
        environment["E4__WorkerCount"] = settings.Workers.ToString(Inv);
        environment["CommCare__BaseUrl"] = commCareUrl.ToString();
        environment["CommCare__Username"] = ApiUser;
        environment["CommCare__ApiKey"] = ApiKey;
        foreach (var (name, value) in settings.EngineEnvironment)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static Dictionary<string, string> E3Environment(BenchDatabase database, E4BenchmarkSettings settings)
    {
        var environment = EngineEnvironment(database);
        if (settings.CasesPerJob is { } perJob)
        {
            environment["E3__CasesPerJob"] = perJob.ToString(Inv);
        }

        if (settings.E3BatchSize is { } batchSize)
        {
            environment["E3__BatchSize"] = batchSize.ToString(Inv);
        }

        foreach (var (name, value) in settings.EngineEnvironment)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>Waits until E2 has transformed every stored result; reports its time (not a target here).</summary>
    private static async Task TransformAllAsync(BenchDatabase database, EngineProcess e2, BenchReport report, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Progress($"E2 (pid {e2.Id}) started; waiting until every result is transformed");
        var wall = Stopwatch.StartNew();
        while (await database.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM test_results WHERE transformed_at IS NULL)", cancellationToken))
        {
            if (e2.HasExited)
            {
                throw new BenchFailure("the E2 process exited before every result was transformed");
            }

            if (wall.Elapsed > timeout)
            {
                throw new BenchFailure($"E2 did not transform every result within {timeout.TotalSeconds:N0} s");
            }

            await Task.Delay(Poll, cancellationToken);
        }

        var seconds = await database.ScalarAsync<double>("SELECT extract(epoch FROM (SELECT max(changed_at) FROM index_cases) - (SELECT min(transformed_at) FROM test_results))::float8", cancellationToken);
        var failedResults = await database.ScalarAsync<long>("SELECT count(*) FROM transform_outcomes WHERE outcome = 'failed'", cancellationToken);
        report.Figure("E2 (makes the changed cases; not a target)", $"first claim -> last case change {seconds.ToString("N2", Inv)} s, "
            + $"process start -> seen done {wall.Elapsed.TotalSeconds.ToString("N2", Inv)} s; outcomes: {await OutcomesAsync(database, cancellationToken)}");
        if (failedResults > 0)
        {
            throw new BenchFailure($"E2 failed {failedResults:N0} results (transform_outcomes.detail says why)");
        }
    }

    private static async Task<string> OutcomesAsync(BenchDatabase database, CancellationToken cancellationToken) =>
        await database.ScalarAsync<string>("""
            SELECT coalesce(string_agg(format('%s %s', outcome, to_char(n, 'FM999,999,999')), ', ' ORDER BY n DESC), 'none')
            FROM (SELECT outcome, count(*) AS n FROM transform_outcomes GROUP BY outcome) AS o
            """, cancellationToken);

    /// <summary>The changed postable cases waiting for E3, with what they carry; returns how many.</summary>
    private static async Task<long> CountCasesAsync(BenchDatabase database, BenchReport report, CancellationToken cancellationToken)
    {
        var counts = (await database.ScalarAsync<string>("""
            SELECT concat_ws(';', (SELECT count(*) FROM people), (SELECT count(*) FROM index_cases),
                (SELECT count(*) FROM index_cases WHERE postable AND version > enqueued_version AND post_state IS NULL),
                (SELECT count(*) FROM lab_results l JOIN index_cases c ON c.id = l.index_case_id WHERE c.postable),
                (SELECT count(DISTINCT county_fips) FROM index_cases WHERE postable))
            """, cancellationToken)).Split(';').Select(n => long.Parse(n, Inv)).ToArray();
        var perCase = await database.ScalarAsync<string>("""
            SELECT string_agg(format('%s: %s', n, to_char(cases, 'FM999,999,999')), ', ' ORDER BY n)
            FROM (SELECT n, count(*) AS cases FROM (SELECT count(l.id) AS n FROM index_cases c LEFT JOIN lab_results l ON l.index_case_id = c.id
                WHERE c.postable GROUP BY c.id) AS x GROUP BY n) AS y
            """, cancellationToken);
        report.Figure("changed cases for E3", $"{counts[2].ToString("N0", Inv)} postable index cases in {counts[4]} counties (domains) with "
            + $"{counts[3].ToString("N0", Inv)} lab results; people {counts[0].ToString("N0", Inv)}, index cases {counts[1].ToString("N0", Inv)}");
        report.Figure("  lab results per case", perCase);
        if (counts[2] == 0)
        {
            throw new BenchFailure("E2 made no postable case");
        }

        return counts[2];
    }

    /// <summary>Starts the CommCare-like server on <paramref name="database"/>, answering each API request after <paramref name="latencyMs"/>; waits until it is up.</summary>
    internal static async Task<(EngineProcess Process, Uri Url)> StartCommCareAsync(
        string directory, BenchDatabase database, int latencyMs, EngineEventLog log, CancellationToken cancellationToken)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}/");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings__CommCare"] = database.EngineConnectionString,
            ["CommCare__Urls"] = url.ToString().TrimEnd('/'),
            ["CommCare__Users__0__Username"] = ApiUser,
            ["CommCare__Users__0__ApiKey"] = ApiKey,
            ["CommCare__Faults__Latency"] = TimeSpan.FromMilliseconds(latencyMs).ToString("c", Inv),
            ["Viaduct__LogFormat"] = "json",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        var process = EngineProcess.Start(EngineKind.CommCare, directory, environment, log.OnLine);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        var wall = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return (process, url);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A try that timed out.
            }

            if (process.HasExited || wall.Elapsed > TimeSpan.FromSeconds(60))
            {
                await process.DisposeAsync();
                throw new BenchFailure($"the CommCare-like server did not answer {url}health within 60 s: {string.Join(" | ", process.Tail(10))}");
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>Waits until E4's Hangfire server has registered itself for the posting queue.</summary>
    private static async Task WaitForPostingServerAsync(BenchDatabase database, EngineProcess e4, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        while (await database.ScalarAsync<long>("SELECT count(*) FROM hangfire.server WHERE data::text LIKE '%\"posting\"%'", cancellationToken) == 0)
        {
            if (e4.HasExited)
            {
                throw new BenchFailure("the E4 process exited at start");
            }

            if (wall.Elapsed > timeout)
            {
                throw new BenchFailure("E4's Hangfire server did not register itself");
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    private sealed record ThroughputResult(EngineProcess E3, long Cases, double CasesPerSecond);

    /// <summary>
    /// Starts E3 (E4 and the server already up), wakes it as E2's notification would, and waits until every changed
    /// case is posted; reports the throughput and where the time went.
    /// </summary>
    private static async Task<ThroughputResult> PostAllAsync(
        E4BenchmarkSettings settings, BenchDatabase database, string e3Directory, List<EngineProcess> processes, EngineEventLog e3Log,
        EngineEventLog e4Log, EngineProcess commCare, HttpClient api, long cases, BenchReport report, CancellationToken cancellationToken)
    {
        var e4 = processes.Single(p => p.Kind == EngineKind.E4);
        var e2 = processes.Single(p => p.Kind == EngineKind.E2);
        await DeleteAsync(api, "/_control/stats", cancellationToken);
        var backends = new BackendCpu();
        var serverBackends = new BackendCpu();
        await SampleBackendsAsync(database, backends, serverBackends, baseline: true, cancellationToken);
        var cpuBefore = new[] { e2, e4, commCare }.Select(p => ProcessCpu.Seconds(p.Id) ?? double.NaN).ToArray();
        var benchCpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var startedAt = await database.ScalarAsync<DateTime>("SELECT clock_timestamp()", cancellationToken);
        var wall = Stopwatch.StartNew();
        var e3 = EngineProcess.Start(EngineKind.E3, e3Directory, E3Environment(database, settings), e3Log.OnLine);
        processes.Add(e3);
        Progress($"E3 (pid {e3.Id}) started; posting {cases:N0} cases");

        using var stopSampling = new CancellationTokenSource();
        var sampler = settings.Profile ? new ActivitySampler() : null;
        var sampling = sampler?.RunAsync(database, TimeSpan.FromMilliseconds(5), stopSampling.Token) ?? Task.CompletedTask;

        await using var poll = database.DataSource.CreateCommand("""
            SELECT count(*) FILTER (WHERE post_state = 'posted' AND posted_version = version),
                count(*) FILTER (WHERE post_state IS NOT NULL),
                count(*) FILTER (WHERE post_state IN ('parked', 'failed'))
            FROM index_cases WHERE postable
            """);
        var lastReport = TimeSpan.Zero;
        var woken = false;
        var stuckFetches = new StuckFetchWatch(database);
        while (true)
        {
            await SampleBackendsAsync(database, backends, serverBackends, baseline: false, cancellationToken);
            long posted, touched, stuck;
            await using (var reader = await poll.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                (posted, touched, stuck) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            }

            if (posted >= cases)
            {
                break;
            }

            if (stuck > 0)
            {
                throw new BenchFailure($"{stuck:N0} cases were parked or failed: {await StuckAsync(database, cancellationToken)}");
            }

            // E2 finished long before E3 started: its notification is what E3 would have had. E3 also looks once at
            // start when its LISTEN connects; until the first claim, nudge it as E2 would.
            if (touched == 0)
            {
                await database.ExecuteAsync($"NOTIFY {Notifications.IndexCasesChanged}", cancellationToken);
            }
            else if (!woken)
            {
                woken = true;
                Progress($"E3 claimed its first cases {wall.Elapsed.TotalSeconds:N2} s after its start");
            }

            foreach (var process in processes.Where(p => p.HasExited))
            {
                throw new BenchFailure($"the {process.Kind.Name} process exited while cases were being posted");
            }

            if (wall.Elapsed > settings.Timeout)
            {
                throw new BenchFailure($"only {posted:N0} of {cases:N0} cases were posted within {settings.Timeout.TotalSeconds:N0} s: "
                    + await StuckAsync(database, cancellationToken));
            }

            if (wall.Elapsed - lastReport >= TimeSpan.FromSeconds(5))
            {
                lastReport = wall.Elapsed;
                Progress($"posted {posted:N0} of {cases:N0} cases ({touched:N0} enqueued so far)");
            }

            await stuckFetches.CheckAsync(cancellationToken);
            await Task.Delay(Poll, cancellationToken);
        }

        var wallSeconds = wall.Elapsed.TotalSeconds;
        var cpuAfter = new[] { e2, e4, commCare }.Select(p => ProcessCpu.Seconds(p.Id) ?? double.NaN).ToArray();
        var e3Cpu = ProcessCpu.Seconds(e3.Id) ?? double.NaN;
        var benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchCpuBefore;
        await stopSampling.CancelAsync();
        await sampling;

        // The database clock: E3's first claim (enqueued_at) -> the last post (posted_at).
        double span, enqueueSpan, startToLast, startToFirst;
        await using (var times = database.DataSource.CreateCommand("""
            SELECT extract(epoch FROM max(posted_at) - min(enqueued_at))::float8, extract(epoch FROM max(enqueued_at) - min(enqueued_at))::float8,
                extract(epoch FROM max(posted_at) - $1)::float8, extract(epoch FROM min(enqueued_at) - $1)::float8
            FROM index_cases WHERE postable
            """))
        {
            times.Parameters.Add(new NpgsqlParameter { Value = startedAt });
            await using var reader = await times.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (span, enqueueSpan, startToLast, startToFirst) = (reader.GetDouble(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3));
        }

        var rate = cases / span;
        report.Figure("E3 + E4 throughput", $"{cases.ToString("N0", Inv)} cases in {span.ToString("N2", Inv)} s = {E1Benchmark.Rate(rate)} cases/s "
            + "(first enqueued_at -> last posted_at, database clock)");
        report.Figure("  E3 process start -> last post", $"{startToLast.ToString("N2", Inv)} s = {E1Benchmark.Rate(cases, startToLast)} cases/s "
            + $"(E3 start-up to its first claim: {startToFirst.ToString("N2", Inv)} s); seen done after {wallSeconds.ToString("N2", Inv)} s (wall)");
        var enqueued = e3Log.Events(EnqueuedEventId);
        var jobsCreated = enqueued.Sum(e => e.GetProperty("Jobs").GetInt32());
        // Each claim's cases share its enqueued_at (E3's now()); the next claim starts once the jobs of this one exist.
        var claimGaps = await MillisecondsAsync(database, """
            SELECT extract(epoch FROM lead(at) OVER (ORDER BY at) - at)::float8 * 1000
            FROM (SELECT DISTINCT enqueued_at AS at FROM index_cases WHERE postable) AS claims ORDER BY 1
            """, cancellationToken);
        report.Figure("  E3 enqueueing", $"all {cases.ToString("N0", Inv)} cases enqueued within {enqueueSpan.ToString("N2", Inv)} s of the first claim "
            + $"= {E1Benchmark.Rate(cases, enqueueSpan)} cases/s; {enqueued.Count} claims, {jobsCreated.ToString("N0", Inv)} jobs created "
            + $"= {E1Benchmark.Rate(jobsCreated, enqueueSpan)} jobs/s; claim -> next claim median {Ms(E2Benchmark.Percentile(claimGaps, 0.5))}"
            + $" = {(E2Benchmark.Percentile(claimGaps, 0.5) / Math.Max(1.0, jobsCreated / (double)Math.Max(1, enqueued.Count))).ToString("N1", Inv)} ms a job");

        var perCase = await MillisecondsAsync(database, """
            SELECT extract(epoch FROM posted_at - enqueued_at)::float8 * 1000 FROM index_cases WHERE postable ORDER BY 1
            """, cancellationToken);
        report.Figure("  per case enqueued -> posted", $"p50 {Ms(E2Benchmark.Percentile(perCase, 0.5))}, p99 {Ms(E2Benchmark.Percentile(perCase, 0.99))}, "
            + $"max {Ms(perCase[^1])} (waiting in the backlog included)");

        await JobFiguresAsync(database, e4Log, api, cases, span, report, cancellationToken);
        report.Figure("  E4 workers stuck after a fetch", stuckFetches.Describe());
        report.Figure("  CPU over the run", $"E4 {Seconds(cpuAfter[1] - cpuBefore[1])}, CommCare-like server {Seconds(cpuAfter[2] - cpuBefore[2])}, "
            + $"E3 {Seconds(e3Cpu)} (incl. start-up), E2 {Seconds(cpuAfter[0] - cpuBefore[0])} (idle), PostgreSQL backends "
            + $"{(backends.Available ? Seconds(backends.Seconds) : "n/a")} for Viaduct's sessions and "
            + $"{(serverBackends.Available ? Seconds(serverBackends.Seconds) : "n/a")} for the server's, benchmark {Seconds(benchCpu)}; "
            + $"{Environment.ProcessorCount} cores x {wallSeconds.ToString("N1", Inv)} s = {(Environment.ProcessorCount * wallSeconds).ToString("N1", Inv)} CPU-s");
        if (sampler is not null)
        {
            report.Figure($"  profile: {sampler.Samples:N0} samples of pg_stat_activity (5 ms)", "share  what the sessions of E3, E4 and the server were doing");
            foreach (var (what, share) in sampler.Top(16))
            {
                report.Figure($"    {share,6}", what);
            }
        }

        return new ThroughputResult(e3, cases, rate);
    }

    /// <summary>Samples the CPU of the database's backends: the CommCare-like server's sessions apart from the rest (E2, E3, E4).</summary>
    private static async Task SampleBackendsAsync(
        BenchDatabase database, BackendCpu viaduct, BackendCpu server, bool baseline, CancellationToken cancellationToken)
    {
        var (ours, theirs) = (new List<int>(), new List<int>());
        await using var command = database.DataSource.CreateCommand("""
            SELECT pid, application_name = 'viaduct-commcare' FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = BenchDatabase.ApplicationName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            (reader.GetBoolean(1) ? theirs : ours).Add(reader.GetInt32(0));
        }

        viaduct.Sample(ours, baseline);
        server.Sample(theirs, baseline);
    }

    /// <summary>Jobs, requests and Hangfire's own times per job.</summary>
    private static async Task JobFiguresAsync(
        BenchDatabase database, EngineEventLog e4Log, HttpClient api, long cases, double span, BenchReport report, CancellationToken cancellationToken)
    {
        var jobs = await database.ScalarAsync<string>("""
            SELECT concat_ws(';', count(DISTINCT job_id), count(*) FILTER (WHERE outcome IN ('succeeded', 'rerouted')),
                count(*) FILTER (WHERE outcome = 'failed'), count(*) FILTER (WHERE outcome = 'discarded'), count(DISTINCT job_id) FILTER (WHERE attempt > 0))
            FROM post_attempts
            """, cancellationToken);
        var j = jobs.Split(';').Select(n => long.Parse(n, Inv)).ToArray();
        var finished = e4Log.Events(JobFinishedEventId);
        report.Figure("  posting jobs", $"{j[0].ToString("N0", Inv)} jobs = {(cases / (double)Math.Max(1, j[0])).ToString("N1", Inv)} cases a job, "
            + $"{E1Benchmark.Rate(j[0], span)} jobs/s; post_attempts: {j[1].ToString("N0", Inv)} succeeded, {j[2]} failed, {j[3]} discarded; "
            + $"jobs retried {j[4]}; E4 logged {finished.Count.ToString("N0", Inv)} finished jobs");

        var stats = JsonNode.Parse(await GetJsonAsync(api, "/_control/stats", cancellationToken))!;
        var requests = stats["requests"]?.GetValue<long>() ?? 0;
        var items = await database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases", cancellationToken);
        report.Figure("  upsert requests", $"{requests.ToString("N0", Inv)} ({stats["by_status"]?.ToJsonString()}) = "
            + $"{E1Benchmark.Rate(requests, span)} requests/s, {(items / (double)Math.Max(1, requests)).ToString("N1", Inv)} cases created a request "
            + $"({items.ToString("N0", Inv)} patient and lab result cases downstream)");

        // Hangfire's own figures per job: Latency (created -> started) and PerformanceDuration (the job method).
        var latency = await MillisecondsAsync(database, """
            SELECT (s.data::jsonb ->> 'Latency')::float8 FROM hangfire.state s JOIN hangfire.job j ON j.id = s.jobid
            WHERE s.name = 'Succeeded' AND j.invocationdata::text LIKE '%ICasePostingJob%' ORDER BY 1
            """, cancellationToken);
        var duration = await MillisecondsAsync(database, """
            SELECT (s.data::jsonb ->> 'PerformanceDuration')::float8 FROM hangfire.state s JOIN hangfire.job j ON j.id = s.jobid
            WHERE s.name = 'Succeeded' AND j.invocationdata::text LIKE '%ICasePostingJob%' ORDER BY 1
            """, cancellationToken);
        if (duration.Length > 0)
        {
            report.Figure("  per job (Hangfire)", $"run p50 {Ms(E2Benchmark.Percentile(duration, 0.5))}, p90 {Ms(E2Benchmark.Percentile(duration, 0.9))}, "
                + $"max {Ms(duration[^1])}; created -> started p50 {Ms(E2Benchmark.Percentile(latency, 0.5))}, max {Ms(latency[^1])}; "
                + $"sum of runs {(duration.Sum() / 1000).ToString("N1", Inv)} s = {(duration.Sum() / 1000 / span).ToString("N1", Inv)} workers busy on average");
        }
    }

    private sealed record LatencyResult(double P50, double P99, double Max, int Cases);

    /// <summary>
    /// Small batches of new results over time, with every engine running; then, per case they changed, E2's change ->
    /// the post, from the database clock.
    /// </summary>
    private static async Task<LatencyResult> MeasureLatencyAsync(
        E4BenchmarkSettings settings, BenchDatabase database, List<EngineProcess> processes, HttpClient api, BenchReport report,
        CancellationToken cancellationToken)
    {
        var random = new Random(settings.Seed);
        var nextIndex = (long)settings.Rows;
        var startedAt = await database.ScalarAsync<DateTime>("SELECT clock_timestamp()", cancellationToken);
        await DeleteAsync(api, "/_control/stats", cancellationToken);
        var files = new List<long>();
        var rows = 0;
        var stuckFetches = new StuckFetchWatch(database);
        Progress($"latency: {settings.LatencyBatches} batches of new results with E2, E3 and E4 running");
        for (var i = 0; i < settings.LatencyBatches; i++)
        {
            var count = random.Next(settings.LatencyMinRows, settings.LatencyMaxRows + 1);
            var stored = await BenchResults.AddAsync(database, settings.Seed, nextIndex, count, cancellationToken);
            nextIndex += count;
            rows += count;
            files.Add(stored.FileId);
            foreach (var process in processes.Where(p => p.HasExited))
            {
                throw new BenchFailure($"the {process.Kind.Name} process exited during the latency phase");
            }

            var pause = settings.MaxPauseMs == 0 ? 0 : random.Next(settings.MaxPauseMs / 5, settings.MaxPauseMs + 1);
            await Task.Delay(pause, cancellationToken);
            await stuckFetches.CheckAsync(cancellationToken);
        }

        var wall = Stopwatch.StartNew();
        while (await database.ScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM test_results WHERE transformed_at IS NULL)
                OR EXISTS (SELECT 1 FROM index_cases WHERE postable AND (version > posted_version OR post_state = 'enqueued'))
            """, cancellationToken))
        {
            if (await database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE post_state IN ('parked', 'failed')", cancellationToken) > 0)
            {
                throw new BenchFailure($"cases were parked or failed: {await StuckAsync(database, cancellationToken)}");
            }

            if (wall.Elapsed > settings.Timeout)
            {
                throw new BenchFailure($"the latency phase's cases were not all posted within {settings.Timeout.TotalSeconds:N0} s: "
                    + await StuckAsync(database, cancellationToken));
            }

            await stuckFetches.CheckAsync(cancellationToken);
            await Task.Delay(Poll, cancellationToken);
        }

        double[] changeToPost, changeToEnqueue, enqueueToPost, storeToPost;
        long newCases;
        await using (var command = database.DataSource.CreateCommand("""
            SELECT extract(epoch FROM posted_at - changed_at)::float8 * 1000, extract(epoch FROM enqueued_at - changed_at)::float8 * 1000,
                extract(epoch FROM posted_at - enqueued_at)::float8 * 1000, created_at >= $1
            FROM index_cases WHERE postable AND changed_at >= $1
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = startedAt });
            var a = new List<double>();
            var b = new List<double>();
            var c = new List<double>();
            newCases = 0;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                a.Add(reader.GetDouble(0));
                b.Add(reader.GetDouble(1));
                c.Add(reader.GetDouble(2));
                newCases += reader.GetBoolean(3) ? 1 : 0;
            }

            (changeToPost, changeToEnqueue, enqueueToPost) = ([.. a.Order()], [.. b.Order()], [.. c.Order()]);
        }

        // The stored batch's commit -> the post, per case: of the batches whose results changed it, the last.
        await using (var command = database.DataSource.CreateCommand("""
            SELECT extract(epoch FROM c.posted_at - max(f.processed_at))::float8 * 1000
            FROM files f JOIN test_results t ON t.file_id = f.id JOIN transform_outcomes o ON o.test_result_id = t.id
            CROSS JOIN LATERAL unnest(o.index_case_ids) AS ic(id) JOIN index_cases c ON c.id = ic.id
            WHERE f.id = ANY($1) AND o.outcome = 'transformed' AND c.postable AND c.changed_at >= $2
            GROUP BY c.id, c.posted_at ORDER BY 1
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = files.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = startedAt });
            var list = new List<double>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(reader.GetDouble(0));
            }

            storeToPost = [.. list];
        }

        if (changeToPost.Length == 0)
        {
            throw new BenchFailure("the latency phase changed no postable case");
        }

        var stats = JsonNode.Parse(await GetJsonAsync(api, "/_control/stats", cancellationToken))!;
        var result = new LatencyResult(E2Benchmark.Percentile(changeToPost, 0.5), E2Benchmark.Percentile(changeToPost, 0.99), changeToPost[^1], changeToPost.Length);
        report.Figure($"E2 commit -> post ({changeToPost.Length.ToString("N0", Inv)} cases)", $"p50 {Ms(result.P50)}, p99 {Ms(result.P99)}, max {Ms(result.Max)}, "
            + $"min {Ms(changeToPost[0])} (index_cases.changed_at -> posted_at, database clock)");
        report.Figure("  E2 change -> E3 claim", Spread(changeToEnqueue));
        report.Figure("  E3 claim -> post (Hangfire + E4 + server)", Spread(enqueueToPost));
        report.Figure("  batch stored (E1's place) -> post", Spread(storeToPost));

        // Per case posted in this phase, through its job: E3's claim -> job created -> job started -> posted.
        await using (var command = database.DataSource.CreateCommand("""
            SELECT extract(epoch FROM j.createdat - c.enqueued_at)::float8 * 1000,
                extract(epoch FROM p.startedat - j.createdat)::float8 * 1000,
                extract(epoch FROM c.posted_at - p.startedat)::float8 * 1000
            FROM index_cases c
            JOIN LATERAL (SELECT a.job_id FROM post_attempts a WHERE a.index_case_id = c.id AND a.outcome IN ('succeeded', 'rerouted')
                ORDER BY a.id DESC LIMIT 1) AS a ON true
            JOIN hangfire.job j ON j.id = a.job_id::bigint
            JOIN LATERAL (SELECT max(s.createdat) AS startedat FROM hangfire.state s WHERE s.jobid = j.id AND s.name = 'Processing') AS p ON true
            WHERE c.postable AND c.changed_at >= $1
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = startedAt });
            var (created, started, done) = (new List<double>(), new List<double>(), new List<double>());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                created.Add(reader.GetDouble(0));
                started.Add(reader.GetDouble(1));
                done.Add(reader.GetDouble(2));
            }

            report.Figure("    E3 claim -> its job created", Spread([.. created.Order()]));
            report.Figure("    job created -> started (Hangfire)", Spread([.. started.Order()]));
            report.Figure("    job started -> case posted (E4)", Spread([.. done.Order()]));
        }
        report.Figure("  the phase", $"{settings.LatencyBatches} batches, {rows.ToString("N0", Inv)} results; {changeToPost.Length.ToString("N0", Inv)} cases changed "
            + $"({newCases.ToString("N0", Inv)} new); {stats["requests"]?.GetValue<long>().ToString("N0", Inv)} upsert requests ({stats["by_status"]?.ToJsonString()})");
        report.Figure("  E4 workers stuck after a fetch", stuckFetches.Describe());
        report.Figure("  note", "changed_at is E2's now(): the start of its batch's transaction, a few ms before its commit");
        return result;
    }

    /// <summary>
    /// Every postable case posted at its version and nothing twice downstream: one patient case per index case, one
    /// lab result case per lab result, no external id twice in a domain; with <paramref name="exactlyOnce"/>, also one
    /// successful post per case. Returns whether a check failed.
    /// </summary>
    private static async Task<bool> CheckDownstreamAsync(BenchDatabase database, BenchReport report, string when, bool exactlyOnce, CancellationToken cancellationToken)
    {
        var numbers = (await database.ScalarAsync<string>("""
            SELECT concat_ws(';',
                (SELECT count(*) FROM index_cases WHERE postable),
                (SELECT count(*) FROM index_cases WHERE postable AND NOT (post_state = 'posted' AND posted_version = version)),
                (SELECT count(*) FROM commcare.cases WHERE case_type = 'patient'),
                (SELECT count(*) FROM lab_results l JOIN index_cases c ON c.id = l.index_case_id WHERE c.postable),
                (SELECT count(*) FROM commcare.cases WHERE case_type = 'lab_result'),
                (SELECT count(*) FROM (SELECT 1 FROM commcare.cases WHERE external_id IS NOT NULL GROUP BY domain, external_id HAVING count(*) > 1) AS d),
                (SELECT count(*) FROM index_cases c JOIN counties co ON co.fips = c.county_fips
                    LEFT JOIN commcare.cases r ON r.case_id = c.case_id AND r.domain = co.domain AND r.external_id = c.external_id AND r.case_type = 'patient'
                    WHERE c.postable AND r.case_id IS NULL),
                (SELECT count(*) FROM index_cases c WHERE c.postable
                    AND (SELECT count(*) FROM post_attempts a WHERE a.index_case_id = c.id AND a.outcome IN ('succeeded', 'rerouted')) <> 1))
            """, cancellationToken)).Split(';').Select(n => long.Parse(n, Inv)).ToArray();
        var (postable, notPosted, patients, labs, labCases, duplicates, unmatched, notOnce) =
            (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5], numbers[6], numbers[7]);
        report.Figure($"downstream {when}", $"{patients.ToString("N0", Inv)} patient cases for {postable.ToString("N0", Inv)} postable index cases, "
            + $"{labCases.ToString("N0", Inv)} lab result cases for {labs.ToString("N0", Inv)} lab results, {duplicates} external ids twice in a domain");
        var problems = new List<string>();
        if (notPosted > 0)
        {
            problems.Add($"{notPosted:N0} postable cases are not posted at their version");
        }

        if (patients != postable || labCases != labs)
        {
            problems.Add($"downstream holds {patients:N0} patient cases for {postable:N0} postable index cases and {labCases:N0} lab result cases for {labs:N0} lab results");
        }

        if (duplicates > 0)
        {
            problems.Add($"{duplicates:N0} external ids name more than one case of a domain downstream");
        }

        if (unmatched > 0)
        {
            problems.Add($"{unmatched:N0} postable index cases have no patient case of their own case id and external id downstream");
        }

        if (exactlyOnce && notOnce > 0)
        {
            problems.Add($"{notOnce:N0} postable index cases were not posted exactly once (post_attempts)");
        }

        foreach (var problem in problems)
        {
            report.Failure($"{when}: {problem}");
        }

        return problems.Count > 0;
    }

    private static async Task<string> StuckAsync(BenchDatabase database, CancellationToken cancellationToken) =>
        await database.ScalarAsync<string>("""
            SELECT coalesce(string_agg(format('%s %s', coalesce(post_state, 'waiting'), to_char(n, 'FM999,999,999')), ', '), 'none')
                || coalesce('; e.g. ' || (SELECT left(post_error, 300) FROM index_cases WHERE post_error IS NOT NULL LIMIT 1), '')
            FROM (SELECT post_state, count(*) AS n FROM index_cases WHERE postable AND NOT (post_state = 'posted' AND posted_version = version)
                GROUP BY post_state) AS s
            """, cancellationToken);

    private static async Task<double[]> MillisecondsAsync(BenchDatabase database, string sql, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        var values = new List<double>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(0))
            {
                values.Add(reader.GetDouble(0));
            }
        }

        return [.. values];
    }

    internal static async Task<string> GetJsonAsync(HttpClient api, string path, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync(path, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchFailure($"GET {path} on the CommCare-like server answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    internal static async Task DeleteAsync(HttpClient api, string path, CancellationToken cancellationToken)
    {
        using var response = await api.DeleteAsync(path, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchFailure($"DELETE {path} on the CommCare-like server answered {(int)response.StatusCode}");
        }
    }

    /// <summary>A free TCP port on 127.0.0.1 (free a moment ago: the process that gets it binds it at once).</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Spread(double[] sorted) => sorted.Length == 0
        ? "n/a"
        : $"p50 {Ms(E2Benchmark.Percentile(sorted, 0.5))}, p99 {Ms(E2Benchmark.Percentile(sorted, 0.99))}, max {Ms(sorted[^1])}";

    private static string Ms(double ms) => ms.ToString("N1", Inv) + " ms";

    private static string Seconds(double seconds) => double.IsNaN(seconds) ? "n/a" : seconds.ToString("N2", Inv) + " s";

    private static void Progress(string message) => E1Benchmark.Progress(message);
}
