using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Viaduct.CommCare.Tests.Support;

namespace Viaduct.CommCare.Tests;

/// <summary>Fault settings are the server's: these tests run one after the other on a server of their own.</summary>
public sealed class FaultInjectionTests(CommCareFixture fixture) : IClassFixture<CommCareFixture>, IAsyncLifetime
{
    private CommCareServer Server => fixture.Server;

    public async Task InitializeAsync()
    {
        (await Server.Client.DeleteAsync("/_control/faults")).Dispose();
        (await Server.Client.DeleteAsync("/_control/stats")).Dispose();
    }

    public Task DisposeAsync() => InitializeAsync();

    [Fact]
    public async Task A_scripted_fault_answers_each_status_in_order_then_requests_succeed()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.ChangeFaultsAsync(new { script = new[] { 503, 500, 429 }, retry_after_seconds = 2 });

        var statuses = new List<HttpStatusCode>();
        TimeSpan? retryAfter = null;
        for (var i = 0; i < 4; i++)
        {
            using var response = await Server.Client.GetAsync($"/a/{domain}/api/case/v2/");
            statuses.Add(response.StatusCode);
            retryAfter ??= response.Headers.RetryAfter?.Delta;
        }

        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.InternalServerError, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], statuses);
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
    }

    [Fact]
    public async Task A_fault_answered_before_the_work_changes_nothing()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.ChangeFaultsAsync(new { script = new[] { 503 } });

        using var refused = await Server.PostCasesAsync(domain, new[] { Items.Patient("P1") });
        var (status, _) = await Server.GetAsync($"/a/{domain}/api/case/v2/ext/P1/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task Fail_after_apply_saves_the_cases_and_answers_500()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.ChangeFaultsAsync(new { script = new object[] { "after_apply" } });

        using var lost = await Server.PostCasesAsync(domain, new[] { Items.Patient("P1") });
        var (status, stored) = await Server.GetAsync($"/a/{domain}/api/case/v2/ext/P1/");
        var again = await Server.UpsertAsync(domain, new[] { Items.Patient("P1") });

        Assert.Equal(HttpStatusCode.InternalServerError, lost.StatusCode);
        Assert.Equal(200, status);
        Assert.Equal(stored.Str("case_id"), again.Cases()[0].Str("case_id"));
        var stats = (await Server.GetAsync("/_control/stats")).Body;
        Assert.Equal(1, stats["failed_after_apply"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_failure_rate_of_one_fails_every_request_with_the_configured_status_codes()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.ChangeFaultsAsync(new { failure_rate = 1.0, failure_status_codes = new[] { 502, 504 }, seed = 3 });

        var statuses = new HashSet<int>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await Server.PostCasesAsync(domain, new[] { Items.Patient("P" + i) });
            statuses.Add((int)response.StatusCode);
        }

        Assert.Equal([502, 504], statuses.Order());
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE domain = $1", domain));
    }

    [Fact]
    public async Task A_throttle_rate_answers_429_with_retry_after_in_seconds()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.ChangeFaultsAsync(new { throttle_rate = 1.0, retry_after_seconds = 7 });

        using var response = await Server.Client.GetAsync($"/a/{domain}/api/case/v2/");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_faults_and_the_shares_are_about_right()
    {
        var domain = CommCareFixture.NewDomain();

        async Task<List<int>> RunAsync()
        {
            await Server.ChangeFaultsAsync(new { failure_rate = 0.3, throttle_rate = 0.2, seed = 42 });
            var statuses = new List<int>();
            for (var i = 0; i < 200; i++)
            {
                using var response = await Server.Client.GetAsync($"/a/{domain}/api/case/v2/{Guid.Empty}");
                statuses.Add((int)response.StatusCode);
            }

            return statuses;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.InRange(first.Count(s => s is 500 or 503), 40, 80);
        Assert.InRange(first.Count(s => s == 429), 20, 60);
        Assert.InRange(first.Count(s => s == 404), 70, 130);
    }

    [Fact]
    public async Task Latency_delays_each_request()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.ChangeFaultsAsync(new { latency_ms = 300 });

        var clock = Stopwatch.StartNew();
        using var response = await Server.Client.GetAsync($"/a/{domain}/api/case/v2/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Methods_limit_the_faults_to_those_methods()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.ChangeFaultsAsync(new { failure_rate = 1.0, methods = new[] { "POST" } });

        using var get = await Server.Client.GetAsync($"/a/{domain}/api/case/v2/");
        using var post = await Server.PostCasesAsync(domain, new[] { Items.Patient("P1") });

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.True((int)post.StatusCode >= 500);
    }

    [Fact]
    public async Task The_control_endpoint_shows_changes_and_resets_the_faults()
    {
        var changed = await Server.ChangeFaultsAsync(new { failure_rate = 0.25, latency_ms = 5, script = new object[] { 429, "after_apply" } });
        var shown = (await Server.GetAsync("/_control/faults")).Body;
        using var reset = await Server.Client.DeleteAsync("/_control/faults");
        var after = JsonNode.Parse(await reset.Content.ReadAsStringAsync())!;

        Assert.Equal(changed.ToJsonString(), shown.ToJsonString());
        Assert.Equal(0.25, shown["failure_rate"]!.GetValue<double>());
        Assert.Equal("[500,503]", shown["failure_status_codes"]!.ToJsonString());
        Assert.Equal("[429,\"after_apply\"]", shown["script"]!.ToJsonString());
        Assert.Equal(5, shown["latency_ms"]!.GetValue<int>());
        Assert.Equal(0.0, after["failure_rate"]!.GetValue<double>());
        Assert.Empty(after["script"]!.AsArray());
    }

    [Theory]
    [InlineData("{\"failure_rate\": 1.5}", "faults:FailureRate must be between 0 and 1")]
    [InlineData("{\"failure_rate\": 0.6, \"throttle_rate\": 0.6}", "faults:FailureRate and ThrottleRate must add up to at most 1")]
    [InlineData("{\"failure_status_codes\": [404]}", "faults:FailureStatusCodes may hold only 500, 502, 503 and 504")]
    [InlineData("{\"script\": [418]}", "A script entry must be 429, 500, 502, 503, 504, 400, 401, 403, 404, 422 or \"after_apply\"")]
    [InlineData("{\"colour\": 1}", "'colour' is not a fault setting")]
    [InlineData("{\"latency_ms\": \"slow\"}", "'latency_ms' must be a number")]
    public async Task Bad_fault_settings_are_refused_with_400_and_change_nothing(string body, string expected)
    {
        using var response = await Server.Client.PutAsync("/_control/faults", CommCareServer.Json(body));
        var shown = (await Server.GetAsync("/_control/faults")).Body;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(expected, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("error"), StringComparison.Ordinal);
        Assert.Equal(0.0, shown["failure_rate"]!.GetValue<double>());
    }

    [Fact]
    public async Task Stats_count_api_requests_by_status_and_injected_faults()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.ChangeFaultsAsync(new { script = new[] { 503, 429 } });
        using var anonymous = Server.NewClient(null, null);

        for (var i = 0; i < 4; i++)
        {
            (await Server.Client.GetAsync($"/a/{domain}/api/case/v2/")).Dispose();
        }

        (await anonymous.GetAsync($"/a/{domain}/api/case/v2/")).Dispose();
        var stats = (await Server.GetAsync("/_control/stats")).Body;
        using var reset = await Server.Client.DeleteAsync("/_control/stats");
        var after = (await Server.GetAsync("/_control/stats")).Body;

        Assert.Equal(5, stats["requests"]!.GetValue<int>());
        Assert.Equal("{\"200\":2,\"401\":1,\"429\":1,\"503\":1}", stats["by_status"]!.ToJsonString());
        Assert.Equal("{\"429\":1,\"503\":1}", stats["injected"]!.ToJsonString());
        Assert.Equal(0, after["requests"]!.GetValue<int>());
    }
}

public sealed class ConfiguredFaultTests
{
    [Fact]
    public async Task Faults_configured_at_start_are_in_force()
    {
        var database = new CommCareDatabase();
        await database.InitializeAsync();
        try
        {
            await using var server = await CommCareServer.StartAsync(database, settings =>
            {
                settings["CommCare:Faults:ThrottleRate"] = "1";
                settings["CommCare:Faults:RetryAfter"] = "00:00:03";
            });

            using var response = await server.Client.GetAsync("/a/d/api/case/v2/");
            var faults = (await server.GetAsync("/_control/faults")).Body;

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("3", response.Headers.GetValues("Retry-After").Single());
            Assert.Equal(1.0, faults["throttle_rate"]!.GetValue<double>());
        }
        finally
        {
            await database.DisposeAsync();
        }
    }
}
