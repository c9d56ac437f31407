using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Viaduct.Shared.Eclrs;
using Viaduct.Samples;

namespace Viaduct.Bench;

internal sealed record E1BenchmarkSettings(
    int Rows, double DuplicateShare, int Seed, EclrsVersion Version, double BadShare, TimeSpan Timeout, string? E1Directory,
    IReadOnlyList<(string Name, string Value)> DatabaseSettings, int WarmUpRows, int DedupMemory)
{
    public static E1BenchmarkSettings From(BenchArguments arguments) => new(
        arguments.Int("rows", 300_000, 1, 50_000_000),
        arguments.Double("duplicate-share", 0.95, 0, 1),
        arguments.Int("seed", 1, int.MinValue, int.MaxValue),
        BenchCommands.ParseVersion(arguments),
        arguments.Double("bad-share", 0, 0, 1),
        TimeSpan.FromSeconds(arguments.Int("timeout", 1800, 10, 86_400)),
        arguments.String("e1-dir"),
        ParseDatabaseSettings(arguments.String("pg-set")),
        arguments.Int("warm-up-rows", 20_000, 0, 1_000_000),
        arguments.Int("dedup-memory", 0, 0, 100_000_000));

    // "work_mem=256MB,jit=off" -> ALTER DATABASE ... SET for the engine's sessions (an experiment, not the default).
    internal static List<(string Name, string Value)> ParseDatabaseSettings(string? text)
    {
        var settings = new List<(string, string)>();
        foreach (var item in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? item[..equals].Trim() : "";
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                throw new UsageException($"--pg-set takes name=value[,name=value...], not '{item}'");
            }

            settings.Add((name, item[(equals + 1)..].Trim()));
        }

        return settings;
    }
}

/// <summary>
/// The <c>e1</c> command: psql <c>\copy</c> and the real E1 engine on the same synthetic file, then E1 on a file
/// that repeats most of it, in one run against a fresh database, with the figures printed against the targets.
/// </summary>
internal static class E1Benchmark
{
    private const double NewFileTarget = 100_000;
    private const double PsqlRatioTarget = 0.5;
    private const double DuplicateFileTarget = 200_000;
    private const double PeakRssTargetMb = 250;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(E1BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var admin = Variable("VIADUCT_TEST_POSTGRES") ?? Variable("ConnectionStrings__Viaduct")
            ?? throw new UsageException("set VIADUCT_TEST_POSTGRES (or ConnectionStrings__Viaduct): source .local/infra.env or use scripts/bench.sh");
        var serviceUrl = Variable("Aws__ServiceUrl") ?? Variable("VIADUCT_TEST_AWS_SERVICE_URL")
            ?? throw new UsageException("set Aws__ServiceUrl: source .local/infra.env or use scripts/bench.sh");
        var region = Variable("AWS_REGION") ?? "us-east-1";
        var e1Directory = EngineProcess.Locate(EngineKind.E1, settings.E1Directory);

        var report = new BenchReport("E1 benchmark");
        report.Setting("rows per file", settings.Rows.ToString("N0", Inv));
        report.Setting("ECLRS version / seed / bad share", $"v{(int)settings.Version} / {settings.Seed} / {settings.BadShare.ToString(Inv)}");
        report.Setting("duplicate share of file B", settings.DuplicateShare.ToString("P0", Inv));
        report.Setting("E1 engine", Path.Combine(e1Directory, EngineKind.E1.AssemblyFile));

        var temp = Directory.CreateTempSubdirectory("viaduct-bench-");
        BenchDatabase? database = null;
        BenchInbox? inbox = null;
        EngineProcess? e1 = null;
        var failed = false;
        try
        {
            // (a) a fresh, migrated database
            database = await BenchDatabase.PrepareAsync(admin, keep: false, settings.DatabaseSettings, report, cancellationToken);

            Progress($"database {database.Name} migrated");
            if (settings.DedupMemory > 0)
            {
                var seconds = await FillDedupMemoryAsync(database, settings.DedupMemory, cancellationToken);
                report.Setting("dedup memory before file A", $"{settings.DedupMemory.ToString("N0", Inv)} checksums of earlier exports (made in {seconds.ToString("N0", Inv)} s)");
                Progress("dedup memory filled");
            }

            // (b) file A: all rows new; file B: the duplicate share of A's rows, the rest new
            var fileA = Path.Combine(temp.FullName, "a.txt");
            var fileB = Path.Combine(temp.FullName, "b.txt");
            var optionsA = new SyntheticEclrsOptions { Rows = settings.Rows, Seed = settings.Seed, Version = settings.Version, BadRowShare = settings.BadShare };
            var optionsB = optionsA with { FirstIndex = SyntheticEclrs.FirstIndexForDuplicateShare(settings.Rows, settings.DuplicateShare) };
            var watch = Stopwatch.StartNew();
            var bytesA = SyntheticEclrs.WriteFile(fileA, optionsA);
            var generateSeconds = watch.Elapsed.TotalSeconds;
            var bytesB = SyntheticEclrs.WriteFile(fileB, optionsB);
            report.Figure("generator (file A)", $"{Rate(settings.Rows, generateSeconds)} rows/s, {bytesA / 1e6:N1} MB, {bytesA / (double)settings.Rows:N0} bytes/row");
            report.Setting("file B", $"first index {optionsB.FirstIndex.ToString("N0", Inv)}, {bytesB / 1e6:N1} MB");
            Progress($"files written to {temp.FullName}");

            // (c) psql \copy of file A into a bare table of text columns. A row with a wrong field count stops COPY,
            // so with bad rows psql gets file A's rows written without them (same rows, same size, all good).
            var psqlFile = fileA;
            if (settings.BadShare > 0)
            {
                psqlFile = Path.Combine(temp.FullName, "a-without-bad-rows.txt");
                SyntheticEclrs.WriteFile(psqlFile, optionsA with { BadRowShare = 0 });
            }

            var psql = await PsqlCopyAsync(database, psqlFile, settings.Version, cancellationToken);
            if (psqlFile != fileA)
            {
                File.Delete(psqlFile);
            }

            var psqlRate = settings.Rows / psql.Seconds;
            report.Figure(settings.BadShare > 0 ? "psql \\copy file A (no bad rows)" : "psql \\copy file A",
                $"{psql.Seconds.ToString("N2", Inv)} s = {Rate(settings.Rows, psql.Seconds)} rows/s ({psql.Output})");
            Progress("psql \\copy done");

            // (d) the real engine on file A
            inbox = await BenchInbox.CreateAsync(serviceUrl, region, cancellationToken);
            e1 = StartE1(e1Directory, database, inbox, serviceUrl, region);
            report.Setting("E1 process", $"pid {e1.Id.ToString(Inv)}, bucket {inbox.Bucket}, queue {inbox.QueueName}");
            await WaitForListenerAsync(e1, inbox, cancellationToken);
            Progress($"E1 (pid {e1.Id}) is listening");

            if (settings.WarmUpRows > 0)
            {
                // A long-running engine has its hot paths compiled by the tiered JIT: a small file of another seed
                // first, so that file A measures the engine warm (its rows share nothing with files A and B).
                var warmUp = Path.Combine(temp.FullName, "warm-up.txt");
                SyntheticEclrs.WriteFile(warmUp, optionsA with { Rows = settings.WarmUpRows, Seed = unchecked(settings.Seed + 7919) });
                var warm = await ImportAsync(e1, inbox, database, "inbox/bench-warm-up.txt", warmUp, settings.Timeout, cancellationToken);
                report.Figure("E1 warm-up file (not a target)", $"{Rate(settings.WarmUpRows, warm.ImportSeconds)} rows/s ({settings.WarmUpRows.ToString("N0", Inv)} rows, other seed)");
            }

            var importA = await ImportAsync(e1, inbox, database, "inbox/bench-a.txt", fileA, settings.Timeout, cancellationToken);
            report.Import("E1 file A (new)", importA, settings.Rows);
            var rateA = settings.Rows / importA.ImportSeconds;
            var wallRateA = settings.Rows / importA.WallSeconds;
            report.Figure("E1 / psql (file A)", $"{(rateA / psqlRate).ToString("N2", Inv)} x (wall: {(wallRateA / psqlRate).ToString("N2", Inv)} x)");

            // (e) the engine on file B
            var importB = await ImportAsync(e1, inbox, database, "inbox/bench-b.txt", fileB, settings.Timeout, cancellationToken);
            report.Import($"E1 file B ({settings.DuplicateShare.ToString("P0", Inv)} duplicate)", importB, settings.Rows);
            var rateB = settings.Rows / importB.ImportSeconds;

            // (f) peak memory, read before the engine stops
            var peakMb = e1.PeakRssBytes() is { } peak ? peak / 1048576.0 : double.NaN;
            report.Figure("E1 peak RSS (VmHWM)", $"{peakMb.ToString("N0", Inv)} MB (after file A: {importA.PeakRssMb.ToString("N0", Inv)} MB)");
            var tables = await database.ScalarAsync<string>("""
                SELECT format('test_results %s rows, %s; abouts %s rows, %s; bad_rows %s',
                    (SELECT count(*) FROM test_results), pg_size_pretty(pg_total_relation_size('test_results')),
                    (SELECT count(*) FROM abouts), pg_size_pretty(pg_total_relation_size('abouts')),
                    (SELECT count(*) FROM bad_rows))
                """, cancellationToken);
            report.Setting("database after both files", tables);
            report.Setting("E1 stop", await e1.StopAsync(TimeSpan.FromSeconds(15)));

            report.Target($"E1 file A >= {NewFileTarget:N0} rows/s", rateA >= NewFileTarget, $"{Rate(rateA)} rows/s");
            report.Target($"E1 file A >= {PsqlRatioTarget} x psql", rateA >= PsqlRatioTarget * psqlRate, $"{(rateA / psqlRate).ToString("N2", Inv)} x");
            report.Target($"E1 file B >= {DuplicateFileTarget:N0} rows/s", rateB >= DuplicateFileTarget, $"{Rate(rateB)} rows/s");
            report.Target($"E1 peak RSS <= {PeakRssTargetMb:N0} MB", peakMb <= PeakRssTargetMb, $"{peakMb.ToString("N0", Inv)} MB");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failed = true;
            BenchRun.ReportFailure(report, ex, e1 is null ? [] : [e1], tailLines: 40);
            if (e1 is not null)
            {
                report.Failure("E1 peak RSS so far: " + (e1.PeakRssBytes() is { } peak ? $"{peak / 1048576.0:N0} MB" : "unknown"));
            }
        }
        finally
        {
            await BenchRun.DisposeAsync(e1, inbox, database);
            temp.Delete(recursive: true);
        }

        return BenchRun.Finish(report, failed, checksFailed: false, "");
    }

    private sealed record PsqlResult(double Seconds, string Output);

    private static async Task<PsqlResult> PsqlCopyAsync(BenchDatabase database, string file, EclrsVersion version, CancellationToken cancellationToken)
    {
        var columns = EclrsColumns.For(version).Select(name => name.ToLowerInvariant() + " text");
        await database.ExecuteAsync($"CREATE TABLE bare ({string.Join(", ", columns)})", cancellationToken);
        await database.ExecuteAsync("CHECKPOINT", cancellationToken);

        var start = new ProcessStartInfo("psql")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList =
            {
                "-X", "-v", "ON_ERROR_STOP=1", "-c",
                $"\\copy bare FROM '{file.Replace("'", "''", StringComparison.Ordinal)}' WITH (FORMAT csv, DELIMITER '|', HEADER true, QUOTE '\"')",
            },
        };
        foreach (var (name, value) in database.PsqlEnvironment())
        {
            start.Environment[name] = value;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new BenchFailure("could not start psql");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        watch.Stop();
        var output = (await stdout).Trim();
        if (process.ExitCode != 0)
        {
            throw new BenchFailure($"psql \\copy failed (exit {process.ExitCode}): {(await stderr).Trim()}");
        }

        var copied = await database.ScalarAsync<long>("SELECT count(*) FROM bare", cancellationToken);
        await database.ExecuteAsync("DROP TABLE bare", cancellationToken);
        return new PsqlResult(watch.Elapsed.TotalSeconds, $"{output}; {copied.ToString("N0", Inv)} rows in the table");
    }

    /// <summary>
    /// The dedup memory as a deployment has it after months of exports: checksums no benchmark file shares, under a
    /// processed file of their own, vacuumed as E1 leaves it after a big import. Inserted in key order for speed, the
    /// index would come out with full leaves, which the first claim would split nearly all; it is rebuilt with leaves
    /// 70% full, about as years of inserts in random key order leave them.
    /// </summary>
    private static async Task<double> FillDedupMemoryAsync(BenchDatabase database, int checksums, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await database.ExecuteAsync($"""
            WITH earlier AS (
                INSERT INTO files (bucket, object_key, etag, state, processing_at, processed_at)
                VALUES ('bench', 'earlier-exports', 'bench', 'processed', now(), now()) RETURNING id)
            INSERT INTO abouts (checksum, first_file_id, last_file_id)
            SELECT c, e.id, e.id FROM earlier e,
                LATERAL (SELECT sha256(('bench-dedup-memory-' || i)::bytea) AS c FROM generate_series(1, {checksums}) i ORDER BY 1) k
            """, cancellationToken);
        await database.ExecuteAsync("ALTER INDEX pk_abouts SET (fillfactor = 70); REINDEX INDEX pk_abouts", cancellationToken);
        await database.ExecuteAsync("VACUUM (ANALYZE) abouts", cancellationToken);
        try
        {
            // Written out now, not by a checkpoint in the middle of the runs measured next.
            await database.ExecuteAsync("CHECKPOINT", cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            Progress("no CHECKPOINT (needs a superuser or pg_checkpoint): the fill may still be written out during the runs");
        }

        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>The real E1 engine on the benchmark's database and inbox (its sweep off: the benchmark's events are all it needs).</summary>
    internal static EngineProcess StartE1(string directory, BenchDatabase database, BenchInbox inbox, string serviceUrl, string region) =>
        EngineProcess.Start(EngineKind.E1, directory, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings__Viaduct"] = database.EngineConnectionString,
            ["Aws__ServiceUrl"] = serviceUrl,
            ["Aws__Region"] = region,
            ["E1__Bucket"] = inbox.Bucket,
            ["E1__InboxPrefix"] = BenchInbox.Prefix,
            ["E1__Queue"] = inbox.QueueUrl,
            ["E1__SweepEnabled"] = "false",
            ["Viaduct__LogFormat"] = "text",
            ["DOTNET_ENVIRONMENT"] = "Production",
        });

    /// <summary>
    /// Saving the bucket notification put an s3:TestEvent on the queue; once the engine has taken it off, the
    /// engine is up and long-polling.
    /// </summary>
    internal static async Task WaitForListenerAsync(EngineProcess e1, BenchInbox inbox, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (await inbox.WaitingAsync(cancellationToken) > 0)
        {
            if (e1.HasExited)
            {
                throw new BenchFailure("the E1 process exited during start-up");
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new BenchFailure("the E1 process did not take the queue's test event within 60 s");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    internal sealed record ImportResult(
        long FileId, string State, int Rows, int New, int Duplicate, int Bad,
        double UploadSeconds, double WallSeconds, double ProcessedMinusProcessingSeconds, double SeenSeconds, double PeakRssMb,
        double? EngineCpuSeconds, double? ServerCpuSeconds)
    {
        /// <summary>
        /// processed_at - processing_at when it is consistent with what the poll saw; when processed_at was taken
        /// at the start of the import transaction (now() inside it), the time from processing_at until the poll
        /// first saw the file processed, by the database clock, to within the poll interval.
        /// </summary>
        public double ImportSeconds => ProcessedAtIsTransactionStart ? SeenSeconds : ProcessedMinusProcessingSeconds;

        // The poll runs every 50 ms: a processed_at that is consistent with it lies at most a few polls before.
        public bool ProcessedAtIsTransactionStart => SeenSeconds - ProcessedMinusProcessingSeconds > 0.25;
    }

    internal static async Task<ImportResult> ImportAsync(
        EngineProcess e1, BenchInbox inbox, BenchDatabase database, string key, string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await database.ExecuteAsync("CHECKPOINT", cancellationToken);
        Progress($"uploading {key}");
        var backends = new BackendCpu();
        backends.Sample(await BackendPidsAsync(database, cancellationToken), baseline: true);
        var engineCpuStart = ProcessCpu.Seconds(e1.Id);
        var upload = Stopwatch.StartNew();
        await inbox.UploadAsync(key, path, cancellationToken);
        var uploadSeconds = upload.Elapsed.TotalSeconds;
        var wall = Stopwatch.StartNew();
        Progress($"uploaded in {uploadSeconds:N2} s; waiting for E1");

        await using var command = database.DataSource.CreateCommand("""
            SELECT id, state, coalesce(error, ''), row_count, new_count, duplicate_count, bad_count,
                   coalesce(extract(epoch FROM processed_at - processing_at)::float8, 0),
                   coalesce(extract(epoch FROM clock_timestamp() - processing_at)::float8, 0)
            FROM files WHERE bucket = $1 AND object_key = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = inbox.Bucket });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        var lastState = "";
        while (true)
        {
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    var state = reader.GetString(1);
                    if (state != lastState)
                    {
                        Progress($"{key}: {state} after {wall.Elapsed.TotalSeconds:N2} s");
                        lastState = state;
                    }

                    if (state is "processed" or "duplicate")
                    {
                        var seconds = wall.Elapsed.TotalSeconds;
                        var engineCpu = ProcessCpu.Seconds(e1.Id) - engineCpuStart;
                        return new ImportResult(
                            reader.GetInt64(0), state, reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6),
                            uploadSeconds, seconds, reader.GetDouble(7), reader.GetDouble(8),
                            e1.PeakRssBytes() is { } peak ? peak / 1048576.0 : double.NaN,
                            engineCpu, backends.Available ? backends.Seconds : null);
                    }

                    if (state == "failed")
                    {
                        throw new BenchFailure($"E1 marked {key} failed after {wall.Elapsed.TotalSeconds:N2} s: {reader.GetString(2)}");
                    }

                    if (reader.GetString(2) is { Length: > 0 } error && state != "processing")
                    {
                        Progress($"{key}: attempt failed: {error}");
                    }
                }
            }

            backends.Sample(await BackendPidsAsync(database, cancellationToken), baseline: false);
            if (e1.HasExited)
            {
                throw new BenchFailure($"the E1 process exited while importing {key}");
            }

            if (wall.Elapsed > timeout)
            {
                throw new BenchFailure($"{key} was not processed within {timeout.TotalSeconds:N0} s (last state '{lastState}')");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    internal static async Task<List<int>> BackendPidsAsync(BenchDatabase database, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> $1");
        command.Parameters.Add(new NpgsqlParameter { Value = BenchDatabase.ApplicationName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pids = new List<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pids.Add(reader.GetInt32(0));
        }

        return pids;
    }

    internal static string Rate(double rows, double seconds) => Rate(rows / Math.Max(seconds, 1e-9));

    internal static string Rate(double perSecond) => perSecond.ToString("N0", Inv);

    internal static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    internal static void Progress(string message) =>
        Console.Error.WriteLine($"[{DateTime.Now.ToString("HH:mm:ss", Inv)}] {message}");
}

/// <summary>A step of the benchmark failed; the run reports it and cleans up.</summary>
internal sealed class BenchFailure(string message) : Exception(message);
