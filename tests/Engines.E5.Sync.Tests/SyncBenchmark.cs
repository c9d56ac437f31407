using System.Diagnostics;
using System.Globalization;
using Viaduct.Engines.E5.Sync.Tests.Support;
using Xunit.Abstractions;

namespace Viaduct.Engines.E5.Sync.Tests;

/// <summary>Runs only when <c>VIADUCT_E5_BENCH</c> is set: a figure, not a test of behaviour.</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("VIADUCT_E5_BENCH")))
        {
            Skip = "a benchmark: set VIADUCT_E5_BENCH=1 (and filter on Category=Benchmark) to run it";
        }
    }
}

/// <summary>
/// How fast E5 brings remote changes down: <c>VIADUCT_E5_BENCH_CASES</c> (default 50,000) known cases over 10 domains,
/// each changed in the CommCare-like server, pulled by one E5 host with its default settings; prints cases/min.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class SyncBenchmark(ITestOutputHelper output)
{
    private const int Domains = 10;

    [BenchmarkFact]
    public async Task Remote_changes_synced_per_minute()
    {
        var total = int.Parse(Environment.GetEnvironmentVariable("VIADUCT_E5_BENCH_CASES") ?? "50000", CultureInfo.InvariantCulture);
        await using var world = await SyncWorld.StartAsync();
        var domains = Enumerable.Range(0, Domains).Select(i => "bench-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        for (var i = 0; i < Domains; i++)
        {
            await world.AddCountyAsync("930" + i.ToString("00", CultureInfo.InvariantCulture), domains[i]);
        }

        var seeding = Stopwatch.StartNew();
        // Local cases as E2 and E4 leave them (posted, version 1), without case ids yet.
        await world.Database.ExecuteAsync("""
            WITH p AS (
                INSERT INTO people (patient_keys, created_by) SELECT ARRAY['B' || g], 'bench' FROM generate_series(1, $1) AS g RETURNING id)
            INSERT INTO index_cases (person_id, county_fips, external_id, properties, postable, version, enqueued_version, posted_version,
                post_state, posted_domain, created_by)
            SELECT p.id, '930' || lpad((p.id % 10)::text, 2, '0'), 'P' || p.id,
                   jsonb_build_object('first_name', 'Bench', 'last_name', 'Person', 'address_city', 'Local'),
                   true, 1, 1, 1, 'posted', 'bench-' || (p.id % 10), 'bench'
            FROM p
            """, total);
        // The same cases in CommCare, each with a value a person changed there; then CommCare's ids stored locally.
        await Parallel.ForEachAsync(Enumerable.Range(0, Domains), new ParallelOptions { MaxDegreeOfParallelism = 5 }, async (d, _) =>
        {
            var fips = "930" + d.ToString("00", CultureInfo.InvariantCulture);
            var people = await world.Database.ScalarAsync<long[]>(
                "SELECT array_agg(person_id ORDER BY person_id) FROM index_cases WHERE county_fips = $1", fips);
            var externalIds = new List<string>();
            var caseIds = new List<string>();
            foreach (var chunk in people.Chunk(100))
            {
                var answer = await world.CommCare.UpsertAsync(domains[d], chunk.Select(id => new
                {
                    case_type = "patient", case_name = "Bench Person", owner_id = "loc-" + fips,
                    external_id = "P" + id.ToString(CultureInfo.InvariantCulture),
                    properties = new Dictionary<string, string> { ["first_name"] = "Bench", ["last_name"] = "Person", ["address_city"] = "Remote" },
                }).ToArray());
                foreach (var item in answer["cases"]!.AsArray())
                {
                    externalIds.Add(item!["external_id"]!.GetValue<string>());
                    caseIds.Add(item["case_id"]!.GetValue<string>());
                }
            }

            await world.Database.ExecuteAsync("""
                UPDATE index_cases c SET case_id = u.case_id FROM unnest($1::text[], $2::text[]) AS u(external_id, case_id)
                WHERE c.external_id = u.external_id
                """, externalIds.ToArray(), caseIds.ToArray());
        });
        output.WriteLine($"seeded {total} cases in {seeding.Elapsed.TotalSeconds:F1} s");
        await world.CommCare.ResetFaultsAndStatsAsync();

        var clock = Stopwatch.StartNew();
        await world.StartE5Async(s =>
        {
            s["E5:WorkerEnabled"] = "true";
            s["E5:PollInterval"] = "00:01:00";
            s["E5:ClaimInterval"] = "00:00:00.020";
            s.Remove("E5:PageSize");
        });
        await Viaduct.Testing.Eventually.ReturnsAsync(
            () => world.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE properties->>'address_city' = 'Remote'"),
            n => n == total, TimeSpan.FromMinutes(10), "every remote change to be synced");
        var elapsed = clock.Elapsed;
        var requests = await world.RequestsAsync();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"E5 synced {total} changed cases over {Domains} domains in {elapsed.TotalSeconds:F2} s = {total / elapsed.TotalMinutes:N0} cases/min ({requests} list requests)"));
        Assert.Equal(0L, await world.ReadyForE3Async());
    }
}
