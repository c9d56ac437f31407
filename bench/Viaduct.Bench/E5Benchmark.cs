using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Viaduct.Bench;

internal sealed record E5BenchmarkSettings(
    int Cases, int Domains, int LatencyMs, TimeSpan Timeout, string? E5Directory, string? CommCareDirectory,
    IReadOnlyList<(string Name, string Value)> DatabaseSettings, bool KeepDatabase)
{
    public static readonly string[] Options = ["cases", "domains", "latency-ms", "timeout", "e5-dir", "commcare-dir", "pg-set"];

    public static readonly string[] Flags = ["keep-database"];

    public static E5BenchmarkSettings From(BenchArguments arguments) => new(
        arguments.Int("cases", 50_000, 1, 5_000_000),
        arguments.Int("domains", 10, 1, 100),
        arguments.Int("latency-ms", 0, 0, 60_000),
        TimeSpan.FromSeconds(arguments.Int("timeout", 900, 10, 86_400)),
        arguments.String("e5-dir"),
        arguments.String("commcare-dir"),
        E1BenchmarkSettings.ParseDatabaseSettings(arguments.String("pg-set")),
        arguments.Flag("keep-database"));
}

/// <summary>
/// The <c>e5</c> command: how fast E5 brings remote changes down. A fresh database gets --cases local index cases as
/// E2 and E4 leave them (posted, version 1) over --domains counties (one CommCare domain each); the CommCare-like
/// server (a process of its own, its cases in the same database) gets the same cases through its bulk upsert API,
/// each with a value a person changed there (address_city 'Remote' against the local 'Local'), and CommCare's case
/// ids are stored locally. Then the real E5 starts as its own process (its default settings, but a claim interval
/// of 20 ms and a poll interval of a minute, so that each domain is pulled once) and the time until every case
/// carries the remote value gives cases/min. Checked: every case synced exactly once (sync_changes), none left for E3.
/// </summary>
internal static class E5Benchmark
{
    private const double Target = 50_000;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(E5BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var admin = E1Benchmark.Variable("VIADUCT_TEST_POSTGRES") ?? E1Benchmark.Variable("ConnectionStrings__Viaduct")
            ?? throw new UsageException("set VIADUCT_TEST_POSTGRES (or ConnectionStrings__Viaduct): source .local/infra.env or use scripts/bench.sh");
        var e5Directory = EngineProcess.Locate(EngineKind.E5, settings.E5Directory);
        var commCareDirectory = EngineProcess.Locate(EngineKind.CommCare, settings.CommCareDirectory);

        var report = new BenchReport("E5 benchmark (CommCare-like server -> E5 sync)");
        report.Setting("changed cases", $"{settings.Cases.ToString("N0", Inv)} known cases over {settings.Domains} domains, each changed remotely");
        report.Setting("CommCare-like server latency", settings.LatencyMs == 0 ? "none" : $"{settings.LatencyMs} ms before each API request");
        report.Setting("E5 settings", "E5's defaults (PageSize 1,000, Workers 4), E5__ClaimInterval=00:00:00.020, E5__PollInterval=00:01:00");
        report.Setting("engines", $"{Path.Combine(e5Directory, EngineKind.E5.AssemblyFile)}, {EngineKind.CommCare.AssemblyFile} (each from its own Release output)");

        BenchDatabase? database = null;
        var processes = new List<EngineProcess>();
        var failed = false;
        var checksFailed = false;
        try
        {
            database = await BenchDatabase.PrepareAsync(admin, settings.KeepDatabase, settings.DatabaseSettings, report, cancellationToken);

            Progress($"database {database.Name} migrated");

            var commCareLog = new EngineEventLog();
            var (commCare, commCareUrl) = await E4Benchmark.StartCommCareAsync(commCareDirectory, database, settings.LatencyMs, commCareLog, cancellationToken);
            processes.Add(commCare);
            using var api = new HttpClient { BaseAddress = commCareUrl, Timeout = TimeSpan.FromSeconds(60) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", $"{E4Benchmark.ApiUser}:{E4Benchmark.ApiKey}");
            Progress($"CommCare-like server (pid {commCare.Id}) is up at {commCareUrl}");

            var watch = Stopwatch.StartNew();
            await SeedAsync(database, api, settings, cancellationToken);
            report.Figure("seeding (not measured)", $"{watch.Elapsed.TotalSeconds.ToString("N1", Inv)} s: local cases by SQL, remote ones by the server's bulk upsert (100 a request)");
            await database.ExecuteAsync("ANALYZE", cancellationToken);
            await database.ExecuteAsync("CHECKPOINT", cancellationToken);
            await E4Benchmark.DeleteAsync(api, "/_control/stats", cancellationToken);

            // E5, timed from its process start until every case carries the remote value.
            var e5Log = new EngineEventLog();
            var cpuBefore = ProcessCpu.Seconds(commCare.Id) ?? double.NaN;
            var wall = Stopwatch.StartNew();
            var e5 = EngineProcess.Start(EngineKind.E5, e5Directory, E5Environment(database, commCareUrl), e5Log.OnLine);
            processes.Add(e5);
            Progress($"E5 (pid {e5.Id}) started; waiting until {settings.Cases:N0} cases are synced");
            await using (var poll = database.DataSource.CreateCommand("SELECT count(*) FROM index_cases WHERE properties->>'address_city' = 'Remote'"))
            {
                var lastProgress = TimeSpan.Zero;
                while (true)
                {
                    var synced = (long)(await poll.ExecuteScalarAsync(cancellationToken))!;
                    if (synced >= settings.Cases)
                    {
                        break;
                    }

                    foreach (var process in processes.Where(p => p.HasExited))
                    {
                        throw new BenchFailure($"the {process.Kind.Name} process exited before every case was synced ({synced:N0} of {settings.Cases:N0})");
                    }

                    if (wall.Elapsed > settings.Timeout)
                    {
                        throw new BenchFailure($"only {synced:N0} of {settings.Cases:N0} cases were synced within {settings.Timeout.TotalSeconds:N0} s: "
                            + await CursorsAsync(database, cancellationToken));
                    }

                    if (wall.Elapsed - lastProgress > TimeSpan.FromSeconds(5))
                    {
                        lastProgress = wall.Elapsed;
                        Progress($"{synced:N0} of {settings.Cases:N0} cases synced after {wall.Elapsed.TotalSeconds:N1} s");
                    }

                    await Task.Delay(Poll, cancellationToken);
                }
            }

            var seconds = wall.Elapsed.TotalSeconds;
            var e5Cpu = ProcessCpu.Seconds(e5.Id);
            var commCareCpu = ProcessCpu.Seconds(commCare.Id) - cpuBefore;
            var casesPerMinute = settings.Cases / (seconds / 60);
            Progress($"every case synced after {seconds:N2} s");

            var databaseSeconds = await database.ScalarAsync<double>(
                "SELECT coalesce(extract(epoch FROM (SELECT max(synced_at) FROM sync_changes) - (SELECT min(started_at) FROM sync_runs))::float8, 0)",
                cancellationToken);
            var counts = (await database.ScalarAsync<string>("""
                SELECT concat_ws(';', (SELECT count(*) FROM sync_changes), (SELECT count(DISTINCT index_case_id) FROM sync_changes),
                    (SELECT count(*) FROM sync_cursors), (SELECT coalesce(sum(cases_synced), 0) FROM sync_cursors),
                    (SELECT count(*) FROM sync_runs), (SELECT count(*) FROM sync_runs WHERE outcome = 'failed'),
                    (SELECT count(*) FROM index_cases WHERE postable AND version > enqueued_version AND (post_state IS NULL OR post_state = 'posted')),
                    (SELECT count(*) FROM index_cases WHERE version <> 1))
                """, cancellationToken)).Split(';').Select(n => long.Parse(n, Inv)).ToArray();
            var requests = JsonNode.Parse(await E4Benchmark.GetJsonAsync(api, "/_control/stats", cancellationToken))?["requests"]?.GetValue<long>();

            report.Figure("E5 process start -> every case synced", $"{seconds.ToString("N2", Inv)} s (wall, {Poll.TotalMilliseconds:N0} ms poll)");
            report.Figure("  first pull start -> last change", $"{databaseSeconds.ToString("N2", Inv)} s = "
                + $"{(settings.Cases / Math.Max(databaseSeconds, 1e-9) * 60).ToString("N0", Inv)} cases/min (database clock)");
            report.Figure("  sync_changes", $"{counts[0].ToString("N0", Inv)} rows for {counts[1].ToString("N0", Inv)} cases");
            report.Figure("  sync_cursors", $"{counts[2]} domains, cases_synced {counts[3].ToString("N0", Inv)}");
            report.Figure("  sync_runs", $"{counts[4].ToString("N0", Inv)} ({counts[5]} failed)");
            report.Figure("  list requests to the server", requests?.ToString("N0", Inv) ?? "n/a");
            report.Figure("  CPU", $"E5 {Seconds(e5Cpu)}, CommCare-like server {Seconds(commCareCpu)}");
            report.Figure("peak RSS (VmHWM)", string.Join(", ", new[] { e5, commCare }
                .Select(p => $"{p.Kind.Name} {(p.PeakRssBytes() is { } peak ? (peak / 1048576.0).ToString("N0", Inv) : "n/a")} MB")));
            foreach (var (name, log) in new[] { ("E5", e5Log), ("CommCare-like server", commCareLog) })
            {
                report.Figure($"{name} warnings and errors logged", log.ProblemCount.ToString("N0", Inv));
                foreach (var problem in log.Problems())
                {
                    report.Figure("  ", problem);
                }
            }

            if (counts[1] != settings.Cases)
            {
                checksFailed = true;
                report.Failure($"sync_changes names {counts[1]:N0} cases, not {settings.Cases:N0}");
            }

            if (counts[6] != 0 || counts[7] != 0)
            {
                checksFailed = true;
                report.Failure($"{counts[6]:N0} cases are left for E3 and {counts[7]:N0} changed version: a synced change must not be posted back");
            }

            foreach (var process in new[] { e5, commCare })
            {
                report.Setting($"{process.Kind.Name} stop (pid {process.Id})", await process.StopAsync(TimeSpan.FromSeconds(20)));
            }

            report.Target($"E5 >= {Target:N0} cases/min", casesPerMinute >= Target,
                $"{casesPerMinute.ToString("N0", Inv)} cases/min ({settings.Cases.ToString("N0", Inv)} remotely changed cases over {settings.Domains} domains "
                + $"in {seconds.ToString("N2", Inv)} s, E5 process start -> every case synced)");
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

        return BenchRun.Finish(report, failed, checksFailed, "what was synced");
    }

    private static Dictionary<string, string> E5Environment(BenchDatabase database, Uri commCareUrl) => new(StringComparer.Ordinal)
    {
        ["ConnectionStrings__Viaduct"] = database.EngineConnectionString,
        ["Viaduct__LogFormat"] = "json",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["E5__WorkerEnabled"] = "true",
        ["E5__PollInterval"] = "00:01:00",
        ["E5__ClaimInterval"] = "00:00:00.020",
        ["CommCare__BaseUrl"] = commCareUrl.ToString(),
        ["CommCare__Username"] = E4Benchmark.ApiUser,
        ["CommCare__ApiKey"] = E4Benchmark.ApiKey,
    };

    private static string Fips(int domain) => "930" + domain.ToString("00", Inv);

    private static string Domain(int domain) => "bench-" + domain.ToString(Inv);

    /// <summary>
    /// The counties, the local cases as E2 and E4 leave them (posted, version 1, without case ids), the same cases in
    /// the CommCare-like server with a value changed there, then CommCare's case ids stored locally.
    /// </summary>
    private static async Task SeedAsync(BenchDatabase database, HttpClient api, E5BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        for (var d = 0; d < settings.Domains; d++)
        {
            await database.ExecuteAsync(
                $"INSERT INTO counties (fips, name, domain, location_id, participating, statewide) VALUES ('{Fips(d)}', 'County {Fips(d)}', '{Domain(d)}', 'loc-{Fips(d)}', true, false)",
                cancellationToken);
        }

        await using (var insert = database.DataSource.CreateCommand("""
            WITH p AS (
                INSERT INTO people (patient_keys, created_by) SELECT ARRAY['B' || g], 'bench' FROM generate_series(1, $1) AS g RETURNING id)
            INSERT INTO index_cases (person_id, county_fips, external_id, properties, postable, version, enqueued_version, posted_version,
                post_state, posted_domain, created_by)
            SELECT p.id, '930' || lpad((p.id % $2)::text, 2, '0'), 'P' || p.id,
                   jsonb_build_object('first_name', 'Bench', 'last_name', 'Person', 'address_city', 'Local'),
                   true, 1, 1, 1, 'posted', 'bench-' || (p.id % $2), 'bench'
            FROM p
            """))
        {
            insert.CommandTimeout = 0;
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = settings.Cases });
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (long)settings.Domains });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        Progress($"{settings.Cases:N0} local cases stored; upserting them into the CommCare-like server");
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Domains), new ParallelOptions { MaxDegreeOfParallelism = 5, CancellationToken = cancellationToken },
            async (d, token) =>
            {
                long[] people;
                await using (var select = database.DataSource.CreateCommand("SELECT coalesce(array_agg(person_id ORDER BY person_id), '{}') FROM index_cases WHERE county_fips = $1"))
                {
                    select.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Fips(d) });
                    people = (long[])(await select.ExecuteScalarAsync(token))!;
                }

                var externalIds = new List<string>();
                var caseIds = new List<string>();
                foreach (var chunk in people.Chunk(100))
                {
                    var body = JsonSerializer.Serialize(chunk.Select(id => new
                    {
                        case_type = "patient", case_name = "Bench Person", owner_id = "loc-" + Fips(d),
                        external_id = "P" + id.ToString(Inv),
                        properties = new Dictionary<string, string> { ["first_name"] = "Bench", ["last_name"] = "Person", ["address_city"] = "Remote" },
                    }));
                    using var response = await api.PostAsync($"/a/{Domain(d)}/api/case/v2/", new StringContent(body, Encoding.UTF8, "application/json"), token);
                    var text = await response.Content.ReadAsStringAsync(token);
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new BenchFailure($"the bulk upsert into {Domain(d)} answered {(int)response.StatusCode}: {text}");
                    }

                    foreach (var item in JsonNode.Parse(text)!["cases"]!.AsArray())
                    {
                        externalIds.Add(item!["external_id"]!.GetValue<string>());
                        caseIds.Add(item["case_id"]!.GetValue<string>());
                    }
                }

                await using var update = database.DataSource.CreateCommand("""
                    UPDATE index_cases c SET case_id = u.case_id FROM unnest($1::text[], $2::text[]) AS u(external_id, case_id)
                    WHERE c.external_id = u.external_id
                    """);
                update.CommandTimeout = 0;
                update.Parameters.Add(new Npgsql.NpgsqlParameter { Value = externalIds.ToArray() });
                update.Parameters.Add(new Npgsql.NpgsqlParameter { Value = caseIds.ToArray() });
                await update.ExecuteNonQueryAsync(token);
            });

        var withoutCaseId = await database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE case_id IS NULL", cancellationToken);
        if (withoutCaseId > 0)
        {
            throw new BenchFailure($"{withoutCaseId:N0} local cases got no CommCare case id while seeding");
        }
    }

    private static async Task<string> CursorsAsync(BenchDatabase database, CancellationToken cancellationToken) =>
        await database.ScalarAsync<string>("""
            SELECT coalesce(string_agg(format('%s: %s synced, %s failures%s', domain, cases_synced, failures,
                coalesce(' (' || left(last_error, 200) || ')', '')), '; ' ORDER BY domain), 'no sync_cursors')
            FROM sync_cursors
            """, cancellationToken);

    private static string Seconds(double? seconds) => seconds is { } s && !double.IsNaN(s) ? s.ToString("N2", Inv) + " s" : "n/a";

    private static void Progress(string message) => E1Benchmark.Progress(message);
}
