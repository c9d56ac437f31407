using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Viaduct.Samples;
using Viaduct.Shared.Eclrs;

namespace Viaduct.Bench;

internal sealed record E2BenchmarkSettings(
    int Rows, int Seed, EclrsVersion Version, int? BatchSize, int Replicas, int LatencyFiles, int LatencyMinRows, int LatencyMaxRows, int MaxPauseMs,
    TimeSpan Timeout, string? E1Directory, string? E2Directory, IReadOnlyList<(string Name, string Value)> DatabaseSettings,
    string? SetupSql, bool Analyze, bool Profile, bool KeepDatabase)
{
    public static readonly string[] Options =
        ["rows", "seed", "version", "batch-size", "replicas", "latency-files", "latency-rows", "max-pause-ms", "timeout", "e1-dir", "e2-dir", "pg-set", "setup-sql"];

    public static readonly string[] Flags = ["analyze", "profile", "keep-database"];

    public static E2BenchmarkSettings From(BenchArguments arguments)
    {
        var (minRows, maxRows) = ParseRange(arguments.String("latency-rows") ?? "100-200", "latency-rows");
        return new E2BenchmarkSettings(
            arguments.Int("rows", 100_000, 1, 10_000_000),
            arguments.Int("seed", 1, int.MinValue, int.MaxValue),
            BenchCommands.ParseVersion(arguments),
            arguments.String("batch-size") is null ? null : arguments.Int("batch-size", 0, 1, 20_000),
            arguments.Int("replicas", 1, 1, 16),
            arguments.Int("latency-files", 40, 0, 10_000),
            minRows,
            maxRows,
            arguments.Int("max-pause-ms", 500, 0, 60_000),
            TimeSpan.FromSeconds(arguments.Int("timeout", 900, 10, 86_400)),
            arguments.String("e1-dir"),
            arguments.String("e2-dir"),
            E1BenchmarkSettings.ParseDatabaseSettings(arguments.String("pg-set")),
            arguments.String("setup-sql"),
            arguments.Flag("analyze"),
            arguments.Flag("profile"),
            arguments.Flag("keep-database"));
    }

    // "100-200" or "150": the value of the option --{option}.
    internal static (int Min, int Max) ParseRange(string text, string option)
    {
        var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
        if (int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var min)
            && int.TryParse(parts.Length == 2 ? parts[1] : parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var max)
            && min >= 1 && max >= min && max <= 1_000_000)
        {
            return (min, max);
        }

        throw new UsageException($"--{option} takes MIN-MAX (1 <= MIN <= MAX <= 1000000), not '{text}'");
    }
}

/// <summary>
/// The <c>e2</c> command. Throughput: a fresh database gets the synthetic file's results through the real E1 while
/// E2 is not running; then the real E2 starts as its own process and transforms all of them, timed by the database
/// clock from its first claim to its last commit. Pick-up latency: with E2 idle and listening, small files of new
/// rows go through E1 one after another; for each, the time from E1's commit (files.processed_at) to E2's first
/// claim of its rows (the earliest test_results.transformed_at), both from the database server's clock.
/// </summary>
internal static class E2Benchmark
{
    private const double ThroughputTarget = 10_000;
    private const double PickupP50TargetMs = 50;

    // "About 0.6 people per row": the generator's blocks of five rows hold three people; E2 may merge a few more
    // (same name and date of birth), and must never split one.
    private const double PeoplePerRow = 0.6;
    private const double PeopleTolerance = 0.02;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly TimeSpan ThroughputPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LatencyPoll = TimeSpan.FromMilliseconds(20);

    public static async Task<int> RunAsync(E2BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var admin = E1Benchmark.Variable("VIADUCT_TEST_POSTGRES") ?? E1Benchmark.Variable("ConnectionStrings__Viaduct")
            ?? throw new UsageException("set VIADUCT_TEST_POSTGRES (or ConnectionStrings__Viaduct): source .local/infra.env or use scripts/bench.sh");
        var serviceUrl = E1Benchmark.Variable("Aws__ServiceUrl") ?? E1Benchmark.Variable("VIADUCT_TEST_AWS_SERVICE_URL")
            ?? throw new UsageException("set Aws__ServiceUrl: source .local/infra.env or use scripts/bench.sh");
        var region = E1Benchmark.Variable("AWS_REGION") ?? "us-east-1";
        var e1Directory = EngineProcess.Locate(EngineKind.E1, settings.E1Directory);
        var e2Directory = EngineProcess.Locate(EngineKind.E2, settings.E2Directory);

        var report = new BenchReport("E2 benchmark");
        report.Setting("results (rows of the load file)", $"{settings.Rows.ToString("N0", Inv)} (v{(int)settings.Version}, seed {settings.Seed})");
        report.Setting("E2 batch size", settings.BatchSize is { } size ? size.ToString("N0", Inv) : "E2's default (E2:BatchSize)");
        report.Setting("E2 processes", settings.Replicas == 1 ? "1" : $"{settings.Replicas} replicas on one database (--replicas)");
        report.Setting("latency files", $"{settings.LatencyFiles} of {settings.LatencyMinRows}-{settings.LatencyMaxRows} new rows, "
            + $"pause {settings.MaxPauseMs / 5}-{settings.MaxPauseMs} ms after each");
        report.Setting("E1 engine", Path.Combine(e1Directory, EngineKind.E1.AssemblyFile));
        report.Setting("E2 engine", Path.Combine(e2Directory, EngineKind.E2.AssemblyFile));

        var temp = Directory.CreateTempSubdirectory("viaduct-bench-e2-");
        BenchDatabase? database = null;
        BenchInbox? inbox = null;
        EngineProcess? e1 = null;
        var replicas = new List<E2Replica>();
        var failed = false;
        var checksFailed = false;
        try
        {
            database = await BenchDatabase.PrepareAsync(admin, settings.KeepDatabase, settings.DatabaseSettings, report, cancellationToken);

            if (settings.SetupSql is { } setupSql)
            {
                await database.ExecuteAsync(setupSql, cancellationToken);
                report.Setting("after migrating (--setup-sql)", setupSql);
            }

            Progress($"database {database.Name} migrated");

            // (a) the results, through the real E1, with E2 not running
            var loadFile = Path.Combine(temp.FullName, "load.txt");
            var load = new SyntheticEclrsOptions { Rows = settings.Rows, Seed = settings.Seed, Version = settings.Version };
            var bytes = SyntheticEclrs.WriteFile(loadFile, load);
            Progress($"load file written: {bytes / 1e6:N1} MB");
            inbox = await BenchInbox.CreateAsync(serviceUrl, region, cancellationToken);
            e1 = E1Benchmark.StartE1(e1Directory, database, inbox, serviceUrl, region);
            await E1Benchmark.WaitForListenerAsync(e1, inbox, cancellationToken);
            var import = await E1Benchmark.ImportAsync(e1, inbox, database, "inbox/bench-e2-load.txt", loadFile, settings.Timeout, cancellationToken);
            File.Delete(loadFile);
            report.Figure("E1 load (not a target)", $"{import.New.ToString("N0", Inv)} new results in {import.ImportSeconds.ToString("N2", Inv)} s "
                + $"({E1Benchmark.Rate(settings.Rows, import.ImportSeconds)} rows/s), {bytes / 1e6:N1} MB");
            if (import.New != settings.Rows)
            {
                throw new BenchFailure($"E1 imported {import.New:N0} new results, not {settings.Rows:N0}");
            }

            // E1 stops while E2 works, so that every other session of the database and every CPU second is E2's. Its
            // inbox goes too: the S3/SQS emulator may still hold the stopped engine's long poll, and hand it (and hide
            // for the visibility timeout) the next event of that queue.
            report.Setting("E1 stop after the load", await e1.StopAsync(TimeSpan.FromSeconds(15)));
            await e1.DisposeAsync();
            e1 = null;
            await inbox.DisposeAsync();
            inbox = null;
            if (settings.Analyze)
            {
                await database.ExecuteAsync("ANALYZE", cancellationToken);
                report.Setting("statistics", "ANALYZE after the load (--analyze)");
            }

            await database.ExecuteAsync("CHECKPOINT", cancellationToken);

            // (b) throughput: E2 starts on the loaded results
            var throughput = await TransformAllAsync(settings, database, e2Directory, replicas, report, cancellationToken);
            checksFailed |= await CheckThroughputAsync(settings, database, report, cancellationToken);

            // (c) pick-up latency: E1 again, E2 idle and listening
            LatencyResult? latency = null;
            if (settings.LatencyFiles > 0)
            {
                inbox = await BenchInbox.CreateAsync(serviceUrl, region, cancellationToken);
                e1 = E1Benchmark.StartE1(e1Directory, database, inbox, serviceUrl, region);
                await E1Benchmark.WaitForListenerAsync(e1, inbox, cancellationToken);
                latency = await MeasurePickupAsync(settings, database, inbox, e1, replicas, temp.FullName, report, cancellationToken);
                checksFailed |= await CheckAllTransformedAsync(database, report, cancellationToken);
            }

            var peakMb = replicas.Max(r => r.Engine.PeakRssBytes() is { } peak ? peak / 1048576.0 : double.NaN);
            report.Figure("E2 peak RSS (VmHWM)", $"{peakMb.ToString("N0", Inv)} MB over the run{(replicas.Count > 1 ? " (largest replica)" : "")}");
            report.Figure("E2 warnings and errors logged", replicas.Sum(r => r.Log.ProblemCount).ToString("N0", Inv));
            foreach (var problem in replicas.SelectMany(r => r.Log.Problems()))
            {
                report.Figure("  ", problem);
            }

            foreach (var replica in replicas)
            {
                report.Setting($"E2 stop (pid {replica.Engine.Id})", await replica.Engine.StopAsync(TimeSpan.FromSeconds(15)));
            }
            if (e1 is not null)
            {
                report.Setting("E1 stop", await e1.StopAsync(TimeSpan.FromSeconds(15)));
            }

            report.Target($"E2 >= {ThroughputTarget:N0} results/s", throughput.ResultsPerSecond >= ThroughputTarget,
                $"{E1Benchmark.Rate(throughput.ResultsPerSecond)} results/s");
            if (latency is not null)
            {
                report.Target($"E2 pickup p50 <= {PickupP50TargetMs:N0} ms", latency.P50 <= PickupP50TargetMs,
                    $"{Ms(latency.P50)} (p99 {Ms(latency.P99)}, max {Ms(latency.Max)})");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failed = true;
            BenchRun.ReportFailure(report, ex, replicas.Select(r => r.Engine).Prepend(e1).OfType<EngineProcess>(), tailLines: 30);
        }
        finally
        {
            await BenchRun.DisposeAsync([.. replicas.Select(r => r.Engine), e1, inbox, database]);
            temp.Delete(recursive: true);
        }

        return BenchRun.Finish(report, failed, checksFailed, "E2's work");
    }

    /// <summary>One E2 process and what it logged.</summary>
    private sealed record E2Replica(EngineProcess Engine, E2BatchLog Log);

    private sealed record ThroughputResult(double ResultsPerSecond);

    /// <summary>
    /// Starts E2 (each replica added to <paramref name="replicas"/> as it starts, so the caller stops it whatever
    /// happens) and waits until no result is left untransformed; reports the throughput figures.
    /// </summary>
    private static async Task<ThroughputResult> TransformAllAsync(
        E2BenchmarkSettings settings, BenchDatabase database, string e2Directory, List<E2Replica> replicas, BenchReport report,
        CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings__Viaduct"] = database.EngineConnectionString,
            ["Viaduct__LogFormat"] = "json",
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        if (settings.BatchSize is { } batchSize)
        {
            environment["E2__BatchSize"] = batchSize.ToString(Inv);
        }

        var startedAt = await database.ScalarAsync<DateTime>("SELECT clock_timestamp()", cancellationToken);
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < settings.Replicas; i++)
        {
            var log = new E2BatchLog();
            replicas.Add(new E2Replica(EngineProcess.Start(EngineKind.E2, e2Directory, environment, log.OnLine), log));
        }

        var pids = string.Join(", ", replicas.Select(r => r.Engine.Id.ToString(Inv)));
        report.Setting("E2 process", $"pid {pids}");
        Progress($"E2 (pid {pids}) started; waiting until every result is transformed");

        var backends = new BackendCpu();
        using var stopSampling = new CancellationTokenSource();
        var sampler = settings.Profile ? new ActivitySampler() : null;
        var sampling = sampler?.RunAsync(database, TimeSpan.FromMilliseconds(5), stopSampling.Token) ?? Task.CompletedTask;

        await using var poll = database.DataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM test_results WHERE transformed_at IS NULL), clock_timestamp()");
        DateTime seenDoneAt;
        var lastReport = TimeSpan.Zero;
        while (true)
        {
            backends.Sample(await E1Benchmark.BackendPidsAsync(database, cancellationToken), baseline: false);
            await using (var reader = await poll.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                if (!reader.GetBoolean(0))
                {
                    seenDoneAt = reader.GetDateTime(1);
                    break;
                }
            }

            if (replicas.Any(r => r.Engine.HasExited))
            {
                throw new BenchFailure("an E2 process exited before every result was transformed");
            }

            if (wall.Elapsed > settings.Timeout)
            {
                throw new BenchFailure($"E2 did not transform every result within {settings.Timeout.TotalSeconds:N0} s");
            }

            if (wall.Elapsed - lastReport >= TimeSpan.FromSeconds(5))
            {
                lastReport = wall.Elapsed;
                var so = replicas.SelectMany(r => r.Log.Batches()).ToList();
                Progress($"E2: {so.Sum(b => b.Claimed):N0} results in {so.Count} batches so far");
            }

            await Task.Delay(ThroughputPoll, cancellationToken);
        }

        var wallSeconds = wall.Elapsed.TotalSeconds;
        var engineCpu = replicas.Sum(r => ProcessCpu.Seconds(r.Engine.Id) ?? double.NaN);
        await stopSampling.CancelAsync();
        await sampling;

        // A batch's log line comes after its commit: wait for the last ones (their own times end the span).
        var deadline = Stopwatch.StartNew();
        while (replicas.Sum(r => r.Log.Batches().Sum(b => b.Claimed)) < settings.Rows && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20, cancellationToken);
        }

        var batches = replicas.SelectMany(r => r.Log.Batches()).ToList();
        if (replicas.Any(r => r.Log.Batches().Count == 0))
        {
            throw new BenchFailure("an E2 process logged no BatchFinished event (event 2000)");
        }

        // Per replica (transformed_by ends with ":pid"): its first and last claim, and how many results it took.
        var claims = new Dictionary<int, (DateTime First, DateTime Last, long Results)>();
        await using (var span = database.DataSource.CreateCommand(
            "SELECT transformed_by, min(transformed_at), max(transformed_at), count(*) FROM test_results GROUP BY transformed_by"))
        await using (var reader = await span.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var by = reader.GetString(0);
                claims[int.Parse(by[(by.LastIndexOf(':') + 1)..], Inv)] = (reader.GetDateTime(1), reader.GetDateTime(2), reader.GetInt64(3));
            }
        }

        // transformed_at is now() of the batch's transaction, i.e. the claim: a replica's last claim plus that batch's
        // own time is its last commit.
        var firstClaim = claims.Values.Min(c => c.First);
        var lastCommit = replicas.Max(r => claims[r.Engine.Id].Last.AddMilliseconds(r.Log.Batches()[^1].ElapsedMs));
        var spanSeconds = (lastCommit - firstClaim).TotalSeconds;
        var rate = settings.Rows / spanSeconds;
        var elapsed = batches.Select(b => (double)b.ElapsedMs).Order().ToArray();
        var busySeconds = elapsed.Sum() / 1000.0;
        var first = replicas[0].Log.Batches();

        report.Figure("E2 throughput", $"{settings.Rows.ToString("N0", Inv)} results in {spanSeconds.ToString("N2", Inv)} s = {E1Benchmark.Rate(rate)} results/s "
            + "(first claim -> last commit)");
        report.Figure("  first claim -> seen done", $"{(seenDoneAt - firstClaim).TotalSeconds.ToString("N2", Inv)} s (database clock, {ThroughputPoll.TotalMilliseconds:N0} ms poll)");
        report.Figure("  E2 process start -> first claim", $"{(firstClaim - startedAt).TotalSeconds.ToString("N2", Inv)} s (start-up, not counted)");
        report.Figure("  E2 process start -> seen done", $"{wallSeconds.ToString("N2", Inv)} s (wall) = {E1Benchmark.Rate(settings.Rows, wallSeconds)} results/s");
        if (replicas.Count > 1)
        {
            report.Figure("  results per replica", string.Join(", ", replicas.Select(r => claims[r.Engine.Id].Results.ToString("N0", Inv))));
        }

        report.Figure("  batches", $"{batches.Count} (claimed {batches.Max(b => b.Claimed).ToString("N0", Inv)} at most); "
            + $"inside batches {busySeconds.ToString("N2", Inv)} s = {(busySeconds / spanSeconds).ToString("P0", Inv)} of the span");
        report.Figure("  ms per batch", $"first {first[0].ElapsedMs.ToString("N0", Inv)}, median {Percentile(elapsed, 0.5).ToString("N0", Inv)}, "
            + $"p90 {Percentile(elapsed, 0.9).ToString("N0", Inv)}, max {elapsed[^1].ToString("N0", Inv)}; "
            + $"first half {MeanMs(first.Take(first.Count / 2))}, second half {MeanMs(first.Skip(first.Count / 2))} on average"
            + (replicas.Count > 1 ? " (halves: first replica)" : ""));
        report.Figure("  CPU", $"E2 {Seconds(engineCpu)} (incl. start-up), PostgreSQL backends {(backends.Available ? Seconds(backends.Seconds) : "n/a")} "
            + $"({Environment.ProcessorCount} cores, {spanSeconds.ToString("N1", Inv)} s span)");
        if (sampler is not null)
        {
            report.Figure($"  profile: {sampler.Samples:N0} samples of pg_stat_activity (5 ms)", "share  what E2's sessions were doing");
            foreach (var (what, share) in sampler.Top(14))
            {
                report.Figure($"    {share,6}", what);
            }
        }

        return new ThroughputResult(rate);
    }

    /// <summary>Counts what E2 made of the results and checks it; returns whether a check failed.</summary>
    private static async Task<bool> CheckThroughputAsync(E2BenchmarkSettings settings, BenchDatabase database, BenchReport report, CancellationToken cancellationToken)
    {
        var counts = await database.ScalarAsync<string>("""
            SELECT concat_ws(';', (SELECT count(*) FROM people), (SELECT count(*) FROM index_cases),
                (SELECT count(DISTINCT county_fips) FROM index_cases), (SELECT count(*) FROM lab_results),
                (SELECT count(*) FROM merge_conflicts), (SELECT count(*) FROM index_cases WHERE postable))
            """, cancellationToken);
        var numbers = counts.Split(';').Select(n => long.Parse(n, Inv)).ToArray();
        var (people, cases, counties, labResults, conflicts, postable) = (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5]);
        var expectedPeople = settings.Rows * PeoplePerRow;
        report.Figure("created", $"people {people.ToString("N0", Inv)} (synthetic: {expectedPeople.ToString("N0", Inv)}), "
            + $"index cases {cases.ToString("N0", Inv)} in {counties} counties ({postable.ToString("N0", Inv)} postable), "
            + $"lab results {labResults.ToString("N0", Inv)}, merge conflicts {conflicts.ToString("N0", Inv)}");
        report.Figure("outcomes", await OutcomesAsync(database, cancellationToken));

        var failed = false;
        if (Math.Abs(people - expectedPeople) > expectedPeople * PeopleTolerance)
        {
            report.Failure($"E2 made {people:N0} people of {settings.Rows:N0} results; about {expectedPeople:N0} "
                + $"(+/- {PeopleTolerance:P0}) expected");
            failed = true;
        }

        return await CheckAllTransformedAsync(database, report, cancellationToken) || failed;
    }

    /// <summary>Every result transformed, with exactly one outcome, none failed; returns whether a check failed.</summary>
    private static async Task<bool> CheckAllTransformedAsync(BenchDatabase database, BenchReport report, CancellationToken cancellationToken)
    {
        var check = await database.ScalarAsync<string>("""
            SELECT concat_ws(';',
                (SELECT count(*) FROM test_results WHERE transformed_at IS NULL),
                (SELECT count(*) FROM test_results t WHERE (SELECT count(*) FROM transform_outcomes o WHERE o.test_result_id = t.id) <> 1),
                (SELECT count(*) FROM transform_outcomes WHERE outcome = 'failed'),
                (SELECT count(*) FROM test_results))
            """, cancellationToken);
        var numbers = check.Split(';').Select(n => long.Parse(n, Inv)).ToArray();
        var failed = false;
        if (numbers[0] > 0)
        {
            report.Failure($"{numbers[0]:N0} of {numbers[3]:N0} results are not transformed");
            failed = true;
        }

        if (numbers[1] > 0)
        {
            report.Failure($"{numbers[1]:N0} of {numbers[3]:N0} results do not have exactly one transform outcome");
            failed = true;
        }

        if (numbers[2] > 0)
        {
            report.Failure($"{numbers[2]:N0} results failed to transform (transform_outcomes.detail says why)");
            failed = true;
        }

        return failed;
    }

    private static async Task<string> OutcomesAsync(BenchDatabase database, CancellationToken cancellationToken) =>
        await database.ScalarAsync<string>("""
            SELECT coalesce(string_agg(format('%s %s', outcome, to_char(n, 'FM999,999,999')), ', ' ORDER BY n DESC), 'none')
            FROM (SELECT outcome, count(*) AS n FROM transform_outcomes GROUP BY outcome) AS o
            """, cancellationToken);

    private sealed record LatencyResult(double P50, double P99, double Max);

    /// <summary>
    /// Small files of new rows one after another, each waited for until E2 has transformed all its rows, then a short
    /// random pause; the pick-up latency of each is computed from the database afterwards.
    /// </summary>
    private static async Task<LatencyResult> MeasurePickupAsync(
        E2BenchmarkSettings settings, BenchDatabase database, BenchInbox inbox, EngineProcess e1, List<E2Replica> replicas, string temp,
        BenchReport report, CancellationToken cancellationToken)
    {
        var random = new Random(settings.Seed);
        var nextIndex = (long)settings.Rows;
        var fileIds = new List<long>();
        var doneMs = new List<double>();
        // One file first that is not counted: E1 has just started again.
        for (var i = -1; i < settings.LatencyFiles; i++)
        {
            var rows = random.Next(settings.LatencyMinRows, settings.LatencyMaxRows + 1);
            var path = Path.Combine(temp, "latency.txt");
            SyntheticEclrs.WriteFile(path, new SyntheticEclrsOptions { Rows = rows, FirstIndex = nextIndex, Seed = settings.Seed, Version = settings.Version });
            nextIndex += rows;
            var key = i < 0 ? "inbox/bench-e2-latency-warm-up.txt" : $"inbox/bench-e2-latency-{i:D4}.txt";
            await inbox.UploadAsync(key, path, cancellationToken);
            var (fileId, seenDone) = await WaitTransformedAsync(database, inbox, e1, replicas, key, settings.Timeout, cancellationToken);
            if (i >= 0)
            {
                fileIds.Add(fileId);
                doneMs.Add(seenDone);
            }

            if (i + 1 == settings.LatencyFiles / 2)
            {
                Progress($"latency: {i + 1} of {settings.LatencyFiles} files");
            }

            var pause = settings.MaxPauseMs == 0 ? 0 : random.Next(settings.MaxPauseMs / 5, settings.MaxPauseMs + 1);
            await Task.Delay(pause, cancellationToken);
        }

        var pickups = new List<double>();
        var split = 0;
        await using (var command = database.DataSource.CreateCommand("""
            SELECT extract(epoch FROM min(t.transformed_at) - f.processed_at)::float8 * 1000, count(DISTINCT t.transformed_at)
            FROM files f JOIN test_results t ON t.file_id = f.id
            WHERE f.id = ANY($1)
            GROUP BY f.id, f.processed_at
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = fileIds.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pickups.Add(reader.GetDouble(0));
                split += reader.GetInt64(1) > 1 ? 1 : 0;
            }
        }

        if (pickups.Count != settings.LatencyFiles)
        {
            throw new BenchFailure($"found the rows of {pickups.Count} latency files, not {settings.LatencyFiles}");
        }

        var sorted = pickups.Order().ToArray();
        var done = doneMs.Order().ToArray();
        var result = new LatencyResult(Percentile(sorted, 0.5), Percentile(sorted, 0.99), sorted[^1]);
        report.Figure($"E2 pickup latency ({sorted.Length} files)", $"p50 {Ms(result.P50)}, p99 {Ms(result.P99)}, max {Ms(result.Max)}, min {Ms(sorted[0])} "
            + "(files.processed_at -> first test_results.transformed_at)");
        report.Figure("  E1 commit -> seen all transformed", $"median {Ms(Percentile(done, 0.5))}, max {Ms(done[^1])} ({LatencyPoll.TotalMilliseconds:N0} ms poll)");
        report.Figure("  files claimed in more than one batch", split.ToString(Inv));
        if (sorted.Length <= 100)
        {
            report.Figure("  note", $"with {sorted.Length} files the p99 (nearest rank) is the largest value");
        }

        report.Figure("after the latency files", $"{await database.ScalarAsync<long>("SELECT count(*) FROM test_results", cancellationToken):N0} results, "
            + $"{await database.ScalarAsync<long>("SELECT count(*) FROM people", cancellationToken):N0} people; outcomes: {await OutcomesAsync(database, cancellationToken)}");
        return result;
    }

    /// <summary>Waits until E1 processed the file and no row of it is left untransformed; returns its id and commit -> seen done in ms.</summary>
    private static async Task<(long FileId, double SeenDoneMs)> WaitTransformedAsync(
        BenchDatabase database, BenchInbox inbox, EngineProcess e1, List<E2Replica> replicas, string key, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("""
            SELECT f.id, f.state, coalesce(f.error, ''),
                EXISTS (SELECT 1 FROM test_results t WHERE t.file_id = f.id AND t.transformed_at IS NULL),
                coalesce(extract(epoch FROM clock_timestamp() - f.processed_at)::float8 * 1000, 0)
            FROM files f WHERE f.bucket = $1 AND f.object_key = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = inbox.Bucket });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        var wall = Stopwatch.StartNew();
        while (true)
        {
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    var state = reader.GetString(1);
                    if (state == "failed")
                    {
                        throw new BenchFailure($"E1 marked {key} failed: {reader.GetString(2)}");
                    }

                    if (state == "processed" && !reader.GetBoolean(3))
                    {
                        return (reader.GetInt64(0), reader.GetDouble(4));
                    }
                }
            }

            if (e1.HasExited || replicas.Any(r => r.Engine.HasExited))
            {
                throw new BenchFailure($"the {(e1.HasExited ? "E1" : "E2")} process exited while {key} was on its way");
            }

            if (wall.Elapsed > timeout)
            {
                throw new BenchFailure($"{key} was not imported and transformed within {timeout.TotalSeconds:N0} s");
            }

            await Task.Delay(LatencyPoll, cancellationToken);
        }
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string MeanMs(IEnumerable<E2Batch> batches)
    {
        var list = batches.ToList();
        return list.Count == 0 ? "n/a" : list.Average(b => b.ElapsedMs).ToString("N0", Inv) + " ms";
    }

    private static string Ms(double ms) => ms.ToString("N1", Inv) + " ms";

    private static string Seconds(double? seconds) => seconds is { } s ? s.ToString("N2", Inv) + " s" : "n/a";

    private static void Progress(string message) => E1Benchmark.Progress(message);
}
