using Viaduct.Testing;

namespace Viaduct.Engines.E4.Loader.Tests.Outbound;

/// <summary>E3 and E4 through real Hangfire, real PostgreSQL and the real CommCare-like server over HTTP.</summary>
public sealed class PostingTests
{
    [Fact]
    public async Task Every_postable_case_is_posted_once_with_its_lab_results_and_not_again_until_E2_adds_to_it()
    {
        await using var pipeline = await OutboundPipeline.StartAsync();
        await pipeline.SeedAsync(rows: 300);
        // A county that does not take part: its cases are kept, never posted.
        await pipeline.Database.ExecuteAsync("UPDATE index_cases SET postable = false WHERE county_fips = '36061'");
        var logs = new LogCapture();
        await pipeline.StartE4Async(logs: logs);

        var postable = await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE postable");
        Assert.Equal(postable, await pipeline.EnqueueAllAsync());
        await pipeline.WaitUntilSettledAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(postable, await pipeline.Database.ScalarAsync<long>("""
            SELECT count(*) FROM index_cases c JOIN counties co ON co.fips = c.county_fips
            JOIN commcare.cases r ON r.case_id = c.case_id AND r.domain = co.domain AND r.external_id = c.external_id
            WHERE c.post_state = 'posted' AND c.posted_version = c.version AND r.case_type = 'patient'
            """));
        Assert.Equal(postable, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE case_type = 'patient'"));
        Assert.Equal(
            await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM lab_results l JOIN index_cases c ON c.id = l.index_case_id WHERE c.postable"),
            await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE case_type = 'lab_result'"));
        await AssertNoDuplicatesDownstreamAsync(pipeline);
        Assert.Equal(postable, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM post_attempts WHERE outcome = 'succeeded'"));
        Assert.Equal(0L, await pipeline.Database.ScalarAsync<long>(
            "SELECT count(*) FROM commcare.cases r JOIN counties co ON co.domain = r.domain WHERE co.fips = '36061'"));
        Assert.Equal(0L, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE NOT postable AND post_state IS NOT NULL"));

        // Nothing changed since: nothing to enqueue. E2 adding a lab result changes one case, which goes again.
        Assert.Equal(0, await pipeline.EnqueueAllAsync());
        await pipeline.SeedAsync(rows: 1, seed: 99);
        Assert.Equal(1, await pipeline.EnqueueAllAsync());
        await pipeline.WaitUntilSettledAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(postable + 1, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE case_type = 'patient'"));

        // What was posted is patient data: none of it is in E4's log lines.
        Assert.Contains(logs.Lines, line => line.Contains("\"JobFinished\"", StringComparison.Ordinal));
        var patientData = (await pipeline.Database.ScalarAsync<string>("""
            SELECT string_agg(v, '|') FROM (
                SELECT properties->>'last_name' AS v FROM index_cases UNION SELECT properties->>'dob' FROM index_cases
                UNION SELECT properties->>'address_street' FROM index_cases) AS found WHERE v <> ''
            """)).Split('|');
        Assert.NotEmpty(patientData);
        foreach (var value in patientData)
        {
            Assert.DoesNotContain(logs.Lines, line => line.Contains(value, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task With_thirty_percent_of_requests_failing_or_throttled_everything_is_posted_and_nothing_twice()
    {
        await using var pipeline = await OutboundPipeline.StartAsync();
        await pipeline.SeedAsync(rows: 200);
        await pipeline.CommCare.ChangeFaultsAsync(new { failure_rate = 0.2, throttle_rate = 0.1, retry_after_seconds = 1, seed = 7 });
        await pipeline.StartE4Async();

        var enqueued = await pipeline.EnqueueAllAsync();
        await pipeline.WaitUntilSettledAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(enqueued, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE post_state = 'posted'"));
        Assert.Equal(enqueued, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE case_type = 'patient'"));
        await AssertNoDuplicatesDownstreamAsync(pipeline);
        var stats = await pipeline.CommCare.StatsAsync();
        Assert.True(stats["by_status"]!["429"]?.GetValue<long>() > 0, "some requests were throttled");
        Assert.True((stats["by_status"]!["500"]?.GetValue<long>() ?? 0) + (stats["by_status"]!["503"]?.GetValue<long>() ?? 0) > 0, "some requests failed");
    }

    [Fact]
    public async Task A_refused_case_is_parked_with_the_response_and_not_retried()
    {
        await using var pipeline = await OutboundPipeline.StartAsync(casesPerJob: 1);
        await pipeline.SeedAsync(rows: 10);
        await pipeline.CommCare.ChangeFaultsAsync(new { script = new[] { 422 } });
        await pipeline.StartE4Async(s => s["E4:WorkerCount"] = "1");

        var enqueued = await pipeline.EnqueueAllAsync();
        await pipeline.WaitUntilSettledAsync(TimeSpan.FromSeconds(30));

        var parked = await pipeline.Database.ScalarAsync<long>("SELECT id FROM index_cases WHERE post_state = 'parked'");
        Assert.Contains("422", await pipeline.Database.ScalarAsync<string>("SELECT post_error FROM index_cases WHERE id = $1", parked), StringComparison.Ordinal);
        Assert.Equal(enqueued - 1, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE post_state = 'posted'"));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal("parked", await pipeline.Database.ScalarAsync<string>("SELECT string_agg(outcome, ',') FROM post_attempts WHERE index_case_id = $1", parked));
        // Parked cases stay out of E3's way until an operator hands them back.
        Assert.Equal(0, await pipeline.EnqueueAllAsync());
    }

    [Fact]
    public async Task A_request_of_several_cases_refused_for_one_is_retried_case_by_case()
    {
        await using var pipeline = await OutboundPipeline.StartAsync(casesPerJob: 5);
        await pipeline.SeedAsync(rows: 8);
        // All in one county, so that they share a job and a request.
        await pipeline.Database.ExecuteAsync("UPDATE index_cases SET county_fips = '36001'");
        await pipeline.CommCare.ChangeFaultsAsync(new { script = new[] { 400 } });
        await pipeline.StartE4Async(s => s["E4:WorkerCount"] = "1");

        var enqueued = await pipeline.EnqueueAllAsync();
        await pipeline.WaitUntilSettledAsync(TimeSpan.FromSeconds(30));

        // The scripted refusal hit a request of several cases; alone, each was taken.
        Assert.Equal(enqueued, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE post_state = 'posted'"));
        Assert.Equal(1L, (await pipeline.CommCare.StatsAsync())["by_status"]!["400"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_Retry_After()
    {
        await using var pipeline = await OutboundPipeline.StartAsync();
        await pipeline.SeedAsync(rows: 1);
        await pipeline.CommCare.ChangeFaultsAsync(new { script = new[] { 429 }, retry_after_seconds = 2 });
        await pipeline.StartE4Async();

        Assert.Equal(1, await pipeline.EnqueueAllAsync());
        await pipeline.WaitUntilSettledAsync(TimeSpan.FromSeconds(30));

        var waited = await pipeline.Database.ScalarAsync<double>(
            "SELECT extract(epoch FROM posted_at - enqueued_at)::float8 FROM index_cases WHERE post_state = 'posted'");
        Assert.True(waited >= 2.0, $"posted {waited:F2} s after it was enqueued; Retry-After said 2 s");
        Assert.Equal(1L, (await pipeline.CommCare.StatsAsync())["by_status"]!["429"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_post_CommCare_took_but_whose_answer_was_lost_leaves_one_case_downstream()
    {
        await using var pipeline = await OutboundPipeline.StartAsync();
        await pipeline.SeedAsync(rows: 20);
        // The first request is applied, then answered 500: as if the host died after CommCare took the post.
        await pipeline.CommCare.ChangeFaultsAsync(new { script = new[] { "after_apply" } });
        await pipeline.StartE4Async();

        var enqueued = await pipeline.EnqueueAllAsync();
        await pipeline.WaitUntilSettledAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(enqueued, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE case_type = 'patient'"));
        await AssertNoDuplicatesDownstreamAsync(pipeline);
        Assert.Equal(1L, (await pipeline.CommCare.StatsAsync())["failed_after_apply"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_case_made_in_CommCare_and_synced_down_is_updated_by_its_id_not_posted_twice()
    {
        await using var pipeline = await OutboundPipeline.StartAsync();
        await pipeline.SeedAsync(rows: 1);
        var domain = await pipeline.Database.ScalarAsync<string>("SELECT co.domain FROM index_cases c JOIN counties co ON co.fips = c.county_fips");
        // A person in CommCare typed the case in without our external id; E5 linked our case to it by its case id.
        var made = await pipeline.CommCare.UpsertAsync(domain, new[]
        {
            new { create = true, case_type = "patient", case_name = "typed in CommCare", owner_id = "someone", properties = new { note = "x" } },
        });
        var remoteId = made["cases"]![0]!["case_id"]!.GetValue<string>();
        await pipeline.Database.ExecuteAsync("UPDATE index_cases SET case_id = $1, posted_domain = $2", remoteId, domain);
        await pipeline.StartE4Async();

        Assert.Equal(1, await pipeline.EnqueueAllAsync());
        await pipeline.WaitUntilSettledAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1L, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE case_type = 'patient'"));
        Assert.Equal(
            await pipeline.Database.ScalarAsync<string>("SELECT external_id FROM index_cases"),
            await pipeline.Database.ScalarAsync<string>("SELECT external_id FROM commcare.cases WHERE case_id = $1", remoteId));
        Assert.Equal(remoteId, await pipeline.Database.ScalarAsync<string>("SELECT case_id FROM index_cases WHERE post_state = 'posted'"));
    }

    [Fact]
    public async Task A_new_case_of_a_person_whose_case_was_transferred_in_CommCare_follows_the_transfer()
    {
        await using var pipeline = await OutboundPipeline.StartAsync();
        await pipeline.SeedAsync(rows: 1);
        await pipeline.StartE4Async();
        await pipeline.EnqueueAllAsync();
        await pipeline.WaitUntilSettledAsync(TimeSpan.FromSeconds(30));
        var fips = await pipeline.Database.ScalarAsync<string>("SELECT county_fips FROM index_cases");
        var domain = await pipeline.Database.ScalarAsync<string>("SELECT domain FROM counties WHERE fips = $1", fips);
        var externalId = await pipeline.Database.ScalarAsync<string>("SELECT external_id FROM index_cases");
        var remoteId = await pipeline.Database.ScalarAsync<string>("SELECT case_id FROM index_cases");
        var destinationFips = await pipeline.Database.ScalarAsync<string>("SELECT min(fips) FROM counties WHERE fips <> $1 AND NOT statewide", fips);
        var destination = await pipeline.Database.ScalarAsync<string>("SELECT domain FROM counties WHERE fips = $1", destinationFips);

        // In CommCare the case moves to another county; E5 records the transfer on our case.
        await pipeline.CommCare.UpsertAsync(domain, new[] { new { case_id = remoteId, properties = new { transfer_destination_county_id = destinationFips } } });
        await pipeline.CommCare.UpsertAsync(destination, new[]
        {
            new { create = true, case_type = "patient", case_name = "moved", owner_id = "destination", external_id = externalId, properties = new { transfer_source_case_id = remoteId } },
        });
        await pipeline.Database.ExecuteAsync("UPDATE index_cases SET transfer_state = 'sent', transfer_destination_fips = $1", destinationFips);
        // A new result of the person in the first county: E2 opens a new case there, as the old one left.
        await pipeline.SeedAsync(rows: 1);
        Assert.Equal(2L, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE county_fips = $1", fips));

        Assert.Equal(1, await pipeline.EnqueueAllAsync());
        await pipeline.WaitUntilSettledAsync(TimeSpan.FromSeconds(30));

        var newCase = await pipeline.Database.ScalarAsync<long>("SELECT max(id) FROM index_cases");
        Assert.Equal("rerouted", await pipeline.Database.ScalarAsync<string>("SELECT outcome FROM post_attempts WHERE index_case_id = $1", newCase));
        Assert.Equal(destination, await pipeline.Database.ScalarAsync<string>("SELECT posted_domain FROM index_cases WHERE id = $1", newCase));
        Assert.Equal(1L, await pipeline.Database.ScalarAsync<long>(
            "SELECT count(*) FROM commcare.cases WHERE domain = $1 AND case_type = 'patient'", destination));
        Assert.Equal(fips, await pipeline.Database.ScalarAsync<string>(
            "SELECT properties->>'fips' FROM commcare.cases WHERE domain = $1 AND case_type = 'patient'", destination));
    }

    private static async Task AssertNoDuplicatesDownstreamAsync(OutboundPipeline pipeline) =>
        Assert.Equal(0L, await pipeline.Database.ScalarAsync<long>("""
            SELECT count(*) FROM (SELECT 1 FROM commcare.cases GROUP BY domain, external_id HAVING count(*) > 1) AS duplicated
            """));
}
