using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Viaduct.Engines.E5.Sync.CommCare;
using Viaduct.Engines.E5.Sync.Sync;
using Viaduct.Engines.E5.Sync.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.Engines.E5.Sync.Tests;

/// <summary>E5 against the real CommCare-like server and a real PostgreSQL database of each test's own.</summary>
public sealed class SyncTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_case_edited_remotely_comes_back_without_raising_its_version()
    {
        await using var world = await SyncWorld.StartAsync();
        var domain = CommCareFixture.NewDomain();
        await world.AddCountyAsync("91001", domain);
        var ids = await world.SeedPostedCasesAsync("91001", domain, 2);
        var e5 = await world.StartE5Async();
        await SyncWorld.SyncAllAsync(e5);
        Assert.Equal(0L, await world.Database.ScalarAsync<long>("SELECT count(*) FROM sync_changes"));

        var externalId = await world.Database.ScalarAsync<string>("SELECT external_id FROM index_cases WHERE id = $1", ids[0]);
        await world.EditRemotelyAsync(domain, externalId, new() { ["address_city"] = "Troy", ["contact_phone_number"] = "5550100", ["last_name"] = "" });
        await SyncWorld.SyncAllAsync(e5);

        var properties = JsonSerializer.Deserialize<Dictionary<string, string>>(
            await world.Database.ScalarAsync<string>("SELECT properties::text FROM index_cases WHERE id = $1", ids[0]))!;
        Assert.Equal("Troy", properties["address_city"]);
        Assert.Equal("5550100", properties["contact_phone_number"]);
        Assert.Equal("Person0", properties["last_name"]); // a blank in CommCare never erases our value
        Assert.Equal(1, await world.Database.ScalarAsync<int>("SELECT version FROM index_cases WHERE id = $1", ids[0]));
        var fields = await world.Database.ScalarAsync<string[]>(
            "SELECT fields FROM sync_changes WHERE index_case_id = $1 AND kind = 'updated'", ids[0]);
        Assert.Equal(["address_city", "contact_phone_number"], fields);
        Assert.Equal(0L, await world.ReadyForE3Async());
        Assert.Equal(0L, await world.Database.ScalarAsync<long>("SELECT count(*) FROM sync_changes WHERE index_case_id = $1", ids[1]));
    }

    [Fact]
    public async Task Pages_are_followed_to_the_end_and_after_a_restart_nothing_is_fetched_twice()
    {
        await using var world = await SyncWorld.StartAsync();
        var domain = CommCareFixture.NewDomain();
        await world.AddCountyAsync("91002", domain);
        var ids = await world.SeedPostedCasesAsync("91002", domain, 25);
        await world.CommCare.ResetFaultsAndStatsAsync();

        var first = await world.StartE5Async(s => s["E5:PageSize"] = "10");
        await SyncWorld.SyncAllAsync(first);
        Assert.Equal(3L, await world.RequestsAsync()); // 10 + 10 + 5
        Assert.Equal(25L, await world.Database.ScalarAsync<long>("SELECT cases_synced FROM sync_cursors WHERE domain = $1", domain));
        Assert.Equal(3, await world.Database.ScalarAsync<int>("SELECT pages FROM sync_runs WHERE domain = $1", domain));
        await world.StopAsync(first);

        // A new host (a restart) starts from the stored cursor: one request, no case read again.
        await world.CommCare.ResetFaultsAndStatsAsync();
        var second = await world.StartE5Async(s => s["E5:PageSize"] = "10");
        await SyncWorld.SyncAllAsync(second);
        Assert.Equal(1L, await world.RequestsAsync());
        Assert.Equal(25L, await world.Database.ScalarAsync<long>("SELECT cases_synced FROM sync_cursors WHERE domain = $1", domain));

        // Only what changed since comes down.
        foreach (var id in ids.Take(2))
        {
            var externalId = await world.Database.ScalarAsync<string>("SELECT external_id FROM index_cases WHERE id = $1", id);
            await world.EditRemotelyAsync(domain, externalId, new() { ["address_city"] = "Schenectady" });
        }

        await world.CommCare.ResetFaultsAndStatsAsync();
        await SyncWorld.SyncAllAsync(second);
        Assert.Equal(1L, await world.RequestsAsync());
        Assert.Equal(27L, await world.Database.ScalarAsync<long>("SELECT cases_synced FROM sync_cursors WHERE domain = $1", domain));
        Assert.Equal(2L, await world.Database.ScalarAsync<long>(
            "SELECT count(*) FROM index_cases WHERE properties->>'address_city' = 'Schenectady'"));
        Assert.Equal(0L, await world.ReadyForE3Async());
    }

    [Theory]
    [InlineData("00:00:00", false)]
    [InlineData("00:10:00", true)]
    public async Task A_change_listed_late_with_a_stamp_behind_the_cursor_is_read_only_within_the_overlap(string overlap, bool read)
    {
        await using var world = await SyncWorld.StartAsync();
        var domain = CommCareFixture.NewDomain();
        await world.AddCountyAsync("91010", domain);
        var ids = await world.SeedPostedCasesAsync("91010", domain, 3);
        var e5 = await world.StartE5Async(s => s["E5:CursorOverlap"] = overlap);
        await SyncWorld.SyncAllAsync(e5);

        // The server stamped the change a second before the cursor but lists it only now, as a lagging search index does.
        var externalId = await world.Database.ScalarAsync<string>("SELECT external_id FROM index_cases WHERE id = $1", ids[0]);
        await world.EditRemotelyAsync(domain, externalId, new() { ["address_city"] = "Cohoes" });
        Assert.Equal(1L, await world.Database.ScalarAsync<long>("""
            WITH backdated AS (
                UPDATE commcare.cases SET server_last_modified = (SELECT cursor FROM sync_cursors WHERE domain = $1) - interval '1 second'
                WHERE domain = $1 AND external_id = $2 RETURNING 1)
            SELECT count(*) FROM backdated
            """, domain, externalId));

        await SyncWorld.SyncAllAsync(e5);
        var city = await world.Database.ScalarAsync<string?>("SELECT properties->>'address_city' FROM index_cases WHERE id = $1", ids[0]);
        Assert.Equal(read, city == "Cohoes");
        Assert.Equal(0L, await world.ReadyForE3Async());
    }

    [Fact]
    public async Task A_pull_failing_on_a_later_page_keeps_the_pages_before_it_and_the_next_pull_starts_there()
    {
        await using var world = await SyncWorld.StartAsync();
        var domain = CommCareFixture.NewDomain();
        await world.AddCountyAsync("91008", domain);
        await world.SeedPostedCasesAsync("91008", domain, 25);
        await world.CommCare.ResetFaultsAndStatsAsync();
        var failSecond = new FailingRequest(2);
        var e5 = await world.StartE5Async(s =>
        {
            s["E5:PageSize"] = "10";
            s["CommCare:MaxRetries"] = "0";
        }, configureServices: services => services.AddHttpClient(CaseChangesClient.HttpClientName).AddHttpMessageHandler(() => failSecond));

        var outcomes = await SyncWorld.SyncAllAsync(e5, allowFailures: true);
        Assert.Equal(DomainSyncer.Outcome.Failed, Assert.Single(outcomes).Outcome);
        Assert.Equal(10L, await world.Database.ScalarAsync<long>("SELECT cases_synced FROM sync_cursors WHERE domain = $1", domain));
        Assert.Equal(1, await world.Database.ScalarAsync<int>("SELECT failures FROM sync_cursors WHERE domain = $1", domain));
        Assert.Contains("HttpRequestException", await world.Database.ScalarAsync<string>("SELECT last_error FROM sync_cursors WHERE domain = $1", domain));

        // The next pull starts at the last applied case's stamp: at most that one case again, then the rest.
        outcomes = await SyncWorld.SyncAllAsync(e5);
        Assert.Equal(DomainSyncer.Outcome.Synced, Assert.Single(outcomes).Outcome);
        Assert.InRange(await world.Database.ScalarAsync<long>("SELECT cases_synced FROM sync_cursors WHERE domain = $1", domain), 25L, 26L);
        Assert.Equal(0, await world.Database.ScalarAsync<int>("SELECT failures FROM sync_cursors WHERE domain = $1", domain));
    }

    /// <summary>Fails the <paramref name="failing"/>th request with a network error, passes every other.</summary>
    private sealed class FailingRequest(int failing) : DelegatingHandler
    {
        private int _count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _count) == failing
                ? throw new HttpRequestException("injected by the test")
                : base.SendAsync(request, cancellationToken);
    }

    [Fact]
    public async Task A_case_created_only_in_CommCare_becomes_a_local_person_case_and_lab_result()
    {
        await using var world = await SyncWorld.StartAsync();
        var domain = CommCareFixture.NewDomain();
        await world.AddCountyAsync("91003", domain);
        // Someone E2 already knows, by date of birth, last name and first token of the first name.
        var known = await world.Database.ScalarAsync<long>("""
            INSERT INTO people (patient_keys, identity_key, last_name, first_name, date_of_birth, created_by)
            VALUES ('{}', '1980-01-01|3|BOB|SMITH', 'SMITH', 'BOB', '1980-01-01', 'test') RETURNING id
            """);
        await world.CommCare.UpsertAsync(domain, new object[]
        {
            new
            {
                case_type = "patient", case_name = "Mary Ann Jones", owner_id = "loc-91003", external_id = "cc-1",
                properties = new Dictionary<string, string> { ["first_name"] = "Mary Ann", ["last_name"] = "Jones", ["dob"] = "1990-05-06" },
            },
            new
            {
                case_type = "lab_result", case_name = "ACC-1", owner_id = "loc-91003", external_id = "P999999#KEY-77#ACC-1",
                properties = new Dictionary<string, string> { ["accession_number"] = "ACC-1", ["lab_result"] = "positive" },
                indices = new { parent = new { external_id = "cc-1", case_type = "patient", relationship = "extension" } },
            },
            new
            {
                case_type = "patient", case_name = "Bob Smith", owner_id = "loc-91003", external_id = "cc-2",
                properties = new Dictionary<string, string> { ["first_name"] = "Bob James", ["last_name"] = "smith", ["dob"] = "1980-01-01" },
            },
        });
        var e5 = await world.StartE5Async();
        await SyncWorld.SyncAllAsync(e5);

        var mary = await world.Database.ScalarAsync<long>("SELECT person_id FROM person_keys WHERE patient_key = 'KEY-77'");
        Assert.Equal("1990-05-06|4|MARY|JONES", await world.Database.ScalarAsync<string>("SELECT identity_key FROM people WHERE id = $1", mary));
        var maryCase = await world.Database.ScalarAsync<long>("SELECT id FROM index_cases WHERE person_id = $1 AND county_fips = '91003'", mary);
        Assert.Equal("ACC-1", await world.Database.ScalarAsync<string>("SELECT accession_number FROM lab_results WHERE index_case_id = $1", maryCase));
        Assert.Equal("positive", await world.Database.ScalarAsync<string>("SELECT properties->>'lab_result' FROM lab_results WHERE index_case_id = $1", maryCase));
        Assert.Equal(1L, await world.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE person_id = $1", known));
        Assert.Equal(2L, await world.Database.ScalarAsync<long>("SELECT count(*) FROM people"));
        Assert.Equal(2L, await world.Database.ScalarAsync<long>("SELECT count(*) FROM sync_changes WHERE kind = 'created'"));
        Assert.Equal(0L, await world.ReadyForE3Async());

        // Pulled again (the cursor put back): the same cases are known now, nothing is made twice.
        await world.Database.ExecuteAsync("UPDATE sync_cursors SET cursor = NULL");
        await SyncWorld.SyncAllAsync(e5);
        Assert.Equal(2L, await world.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases"));
        Assert.Equal(2L, await world.Database.ScalarAsync<long>("SELECT count(*) FROM sync_changes"));
    }

    [Fact]
    public async Task A_failing_domain_backs_off_on_its_own_and_does_not_hold_another_back()
    {
        await using var world = await SyncWorld.StartAsync();
        var forbidden = CommCareFixture.NewDomain();
        await world.AddCountyAsync("91004", CommCareServer.LimitedDomain);
        await world.AddCountyAsync("91005", forbidden);
        await world.SeedPostedCasesAsync("91004", CommCareServer.LimitedDomain, 1);
        await world.SeedPostedCasesAsync("91005", forbidden, 1);
        var externalId = await world.Database.ScalarAsync<string>("SELECT external_id FROM index_cases WHERE county_fips = '91004'");
        await world.EditRemotelyAsync(CommCareServer.LimitedDomain, externalId, new() { ["address_city"] = "Cohoes" });

        // This user may read county-a only: the other domain answers 403 on every pull.
        await world.StartE5Async(s =>
        {
            s["CommCare:Username"] = CommCareServer.LimitedUsername;
            s["CommCare:ApiKey"] = CommCareServer.LimitedApiKey;
            s["E5:WorkerEnabled"] = "true";
            s["E5:Workers"] = "1";
        });

        await Eventually.ReturnsAsync(
            () => world.Database.ScalarAsync<string>("SELECT coalesce(properties->>'address_city', '') FROM index_cases WHERE county_fips = '91004'"),
            city => city == "Cohoes", Patience, "the allowed domain's edit to come back");
        await Eventually.ReturnsAsync(
            () => world.Database.ScalarAsync<int>("SELECT failures FROM sync_cursors WHERE domain = $1", forbidden),
            failures => failures >= 2, Patience, "the forbidden domain to be retried");
        Assert.Contains("403", await world.Database.ScalarAsync<string>("SELECT last_error FROM sync_cursors WHERE domain = $1", forbidden));
        Assert.Equal(0, await world.Database.ScalarAsync<int>("SELECT failures FROM sync_cursors WHERE domain = $1", CommCareServer.LimitedDomain));
        Assert.True(await world.Database.ScalarAsync<bool>(
            "SELECT next_sync_at > last_failed_at FROM sync_cursors WHERE domain = $1", forbidden));
    }

    [Fact]
    public async Task Two_hosts_never_sync_one_domain_at_the_same_time()
    {
        await using var world = await SyncWorld.StartAsync();
        var domains = Enumerable.Range(0, 3).Select(_ => CommCareFixture.NewDomain()).ToList();
        for (var i = 0; i < domains.Count; i++)
        {
            await world.AddCountyAsync("9201" + i, domains[i]);
            await world.SeedPostedCasesAsync("9201" + i, domains[i], 3);
        }

        // Slow answers make pulls overlap in time, and a short interval makes the hosts compete for every domain.
        await world.CommCare.ChangeFaultsAsync(new { latency_ms = 30 });
        void Settings(IDictionary<string, string?> s)
        {
            s["E5:WorkerEnabled"] = "true";
            s["E5:Workers"] = "3";
            s["E5:PageSize"] = "1";
            s["E5:PollInterval"] = "00:00:00.050";
            s["E5:ClaimInterval"] = "00:00:00.020";
        }

        await world.StartE5Async(Settings, hostName: "first");
        await world.StartE5Async(Settings, hostName: "second");
        await Eventually.ReturnsAsync(
            () => world.Database.ScalarAsync<long>("SELECT count(DISTINCT host) * 1000 + least(count(*), 999) FROM sync_runs WHERE outcome = 'succeeded'"),
            n => n >= 2_030, Patience, "both hosts to have pulled 30 times");

        var overlapping = await world.Database.ScalarAsync<long>("""
            SELECT count(*) FROM sync_runs a JOIN sync_runs b ON a.domain = b.domain AND a.id < b.id
            WHERE a.started_at < coalesce(b.finished_at, 'infinity') AND b.started_at < coalesce(a.finished_at, 'infinity')
            """);
        Assert.Equal(0L, overlapping);
    }

    [Fact]
    public async Task A_transfer_made_in_CommCare_updates_our_transfer_fields_once()
    {
        await using var world = await SyncWorld.StartAsync();
        var from = CommCareFixture.NewDomain();
        var to = CommCareFixture.NewDomain();
        await world.AddCountyAsync("91006", from);
        await world.AddCountyAsync("91007", to);
        var id = (await world.SeedPostedCasesAsync("91006", from, 1))[0];
        var externalId = await world.Database.ScalarAsync<string>("SELECT external_id FROM index_cases WHERE id = $1", id);
        var caseId = await world.Database.ScalarAsync<string>("SELECT case_id FROM index_cases WHERE id = $1", id);

        // A person moves the case: the source names the destination county, the destination case names its source.
        await world.EditRemotelyAsync(from, externalId, new() { ["transfer_destination_county_id"] = "91007" });
        await world.CommCare.UpsertAsync(to, new[]
        {
            new
            {
                case_type = "patient", case_name = "Test Person", owner_id = "loc-91007", external_id = externalId,
                properties = new Dictionary<string, string> { ["transfer_source_case_id"] = caseId, ["first_name"] = "Test" },
            },
        });
        var e5 = await world.StartE5Async();
        await SyncWorld.SyncAllAsync(e5);
        await world.Database.ExecuteAsync("UPDATE sync_cursors SET cursor = NULL");
        await SyncWorld.SyncAllAsync(e5);

        Assert.Equal("sent", await world.Database.ScalarAsync<string>("SELECT transfer_state FROM index_cases WHERE id = $1", id));
        Assert.Equal("91007", await world.Database.ScalarAsync<string>("SELECT transfer_destination_fips FROM index_cases WHERE id = $1", id));
        Assert.Equal(1L, await world.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases"));
        Assert.Equal(1L, await world.Database.ScalarAsync<long>("SELECT count(*) FROM sync_changes WHERE kind = 'transferred'"));
        Assert.False(await world.Database.ScalarAsync<bool>(
            "SELECT properties ? 'transfer_destination_county_id' FROM index_cases WHERE id = $1", id));
        Assert.Equal(0L, await world.ReadyForE3Async());
    }

    [Fact]
    public async Task One_person_made_in_CommCare_in_two_counties_and_pulled_by_two_hosts_at_once_is_one_local_person()
    {
        await using var world = await SyncWorld.StartAsync();
        var domains = new[] { CommCareFixture.NewDomain(), CommCareFixture.NewDomain() };
        await world.AddCountyAsync("91011", domains[0]);
        await world.AddCountyAsync("91012", domains[1]);
        foreach (var domain in domains)
        {
            await world.CommCare.UpsertAsync(domain, Enumerable.Range(0, 20).Select(i => new
            {
                case_type = "patient", case_name = "Twin", owner_id = "loc", external_id = $"cc-{domain}-{i}",
                properties = new Dictionary<string, string> { ["first_name"] = "Ana", ["last_name"] = $"Twin{i}", ["dob"] = "2001-02-03" },
            }).ToArray());
        }

        void Settings(IDictionary<string, string?> s)
        {
            s["E5:WorkerEnabled"] = "true";
            s["E5:Workers"] = "2";
            s["E5:PageSize"] = "5";
        }

        await world.StartE5Async(Settings, hostName: "first");
        await world.StartE5Async(Settings, hostName: "second");
        await Eventually.ReturnsAsync(
            () => world.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases"), n => n == 40, Patience, "every remote case to be made locally");
        Assert.Equal(20L, await world.Database.ScalarAsync<long>("SELECT count(*) FROM people"));
        Assert.Equal(20L, await world.Database.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT person_id FROM index_cases GROUP BY person_id HAVING count(DISTINCT county_fips) = 2) AS both_counties"));
    }

    [Fact]
    public void Our_external_ids_are_read_back_into_person_ids_and_patient_keys()
    {
        Assert.Equal("KEY-1", SyncIdentity.PatientKeyOf("P12#KEY-1#ACC"));
        Assert.Null(SyncIdentity.PatientKeyOf("cc-1"));
        Assert.Equal(12L, SyncIdentity.PersonIdOf("P12"));
        Assert.Null(SyncIdentity.PersonIdOf("P12#K#A"));
    }
}
