using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Viaduct.Engines.E4.Loader.CommCare;
using Viaduct.Testing;
using static Viaduct.Engines.E4.Loader.Tests.CommCare.CommCareClientTests;

namespace Viaduct.Engines.E4.Loader.Tests.CommCare;

/// <summary>
/// Failures, retries and the circuit against the real server's fault script. Fault settings and counts are the
/// server's: these tests run one after the other on a server of their own, each from a clean state.
/// </summary>
public sealed class CommCareFailureTests(CommCareFixture fixture) : IClassFixture<CommCareFixture>, IAsyncLifetime
{
    private CommCareServer Server => fixture.Server;

    public Task InitializeAsync() => Server.ResetFaultsAndStatsAsync();

    public Task DisposeAsync() => Server.ResetFaultsAndStatsAsync();

    [Fact]
    public async Task A_wrong_api_key_is_a_permanent_failure_and_is_not_retried()
    {
        var connection = new Dictionary<string, string?>(Server.ClientSettings()) { ["CommCare:ApiKey"] = "wrong-key" };
        using var clients = new CommCareClients(connection);

        var e = await Assert.ThrowsAsync<CommCareException>(() => clients.Client.UpsertAsync(CommCareFixture.NewDomain(), [Patient("P1")]));

        Assert.Equal(401, e.StatusCode);
        Assert.False(e.IsTransient);
        Assert.Equal(1, await RequestsAsync());
    }

    [Fact]
    public async Task A_domain_the_user_may_not_use_is_a_permanent_failure()
    {
        var connection = new Dictionary<string, string?>(Server.ClientSettings())
        {
            ["CommCare:Username"] = CommCareServer.LimitedUsername,
            ["CommCare:ApiKey"] = CommCareServer.LimitedApiKey,
        };
        using var clients = new CommCareClients(connection);

        var e = await Assert.ThrowsAsync<CommCareException>(() => clients.Client.GetByIdAsync("county-b", "some-case"));

        Assert.Equal(403, e.StatusCode);
        Assert.False(e.IsTransient);
    }

    [Theory]
    [InlineData(422)]
    [InlineData(400)]
    [InlineData(404)]
    public async Task A_refused_upsert_is_a_permanent_failure_with_the_body_and_is_not_retried(int status)
    {
        using var clients = new CommCareClients(Server);
        await Server.ChangeFaultsAsync(new { script = new[] { status } });

        var e = await Assert.ThrowsAsync<CommCareException>(() => clients.Client.UpsertAsync(CommCareFixture.NewDomain(), [Patient("P1")]));

        Assert.Equal(status, e.StatusCode);
        Assert.False(e.IsTransient);
        Assert.Contains("Injected fault", e.ResponseBody, StringComparison.Ordinal);
        Assert.StartsWith($"CommCare answered {status}: {{", e.Reason, StringComparison.Ordinal);
        Assert.Equal(1, await RequestsAsync());
    }

    [Fact]
    public async Task An_upsert_the_server_cannot_resolve_is_a_permanent_400_whose_body_names_the_error_form()
    {
        using var clients = new CommCareClients(Server);
        var orphan = LabResult("L1") with { Parent = CaseIndex.ByExternalId("P-missing", "patient") };

        var e = await Assert.ThrowsAsync<CommCareException>(() => clients.Client.UpsertAsync(CommCareFixture.NewDomain(), [orphan]));

        Assert.Equal(400, e.StatusCode);
        Assert.False(e.IsTransient);
        var body = JsonNode.Parse(e.ResponseBody!)!;
        Assert.NotNull(body["error"]);
        Assert.NotNull(body["xform_id"]);
    }

    [Fact]
    public async Task An_error_body_is_cut_to_the_configured_length()
    {
        using var clients = new CommCareClients(Server, new Dictionary<string, string?> { ["CommCare:MaxErrorBodyLength"] = "12" });
        await Server.ChangeFaultsAsync(new { script = new[] { 422 } });

        var e = await Assert.ThrowsAsync<CommCareException>(() => clients.Client.GetByIdAsync(CommCareFixture.NewDomain(), "x"));

        Assert.Equal(12, e.ResponseBody?.Length);
    }

    [Fact]
    public async Task A_503_and_a_500_are_retried_and_the_upsert_then_succeeds_once()
    {
        using var clients = new CommCareClients(Server);
        var domain = CommCareFixture.NewDomain();
        await Server.ChangeFaultsAsync(new { script = new[] { 503, 500 } });

        var result = await clients.Client.UpsertAsync(domain, [Patient("P1")]);

        Assert.Single(result.Cases);
        var stats = await Server.StatsAsync();
        Assert.Equal(3, stats["requests"]!.GetValue<int>());
        Assert.Equal("{\"500\":1,\"503\":1}", stats["injected"]!.ToJsonString());
        Assert.Equal(1, await PatientsAsync(clients.Client, domain));
    }

    [Fact]
    public async Task An_upsert_whose_answer_was_lost_is_retried_and_updates_the_case_it_made_instead_of_making_another()
    {
        using var clients = new CommCareClients(Server);
        var domain = CommCareFixture.NewDomain();
        await Server.ChangeFaultsAsync(new { script = new object[] { "after_apply" } });

        var result = await clients.Client.UpsertAsync(domain, [Patient("P1")]);

        var stats = await Server.StatsAsync();
        Assert.Equal(1, stats["failed_after_apply"]!.GetValue<int>());
        Assert.Equal(2, stats["requests"]!.GetValue<int>());
        Assert.Equal(1, await PatientsAsync(clients.Client, domain));
        Assert.Equal(result.Cases[0].CaseId, (await clients.Client.GetByExternalIdAsync(domain, "P1"))?.CaseId);
    }

    [Fact]
    public async Task A_429_is_retried_after_its_retry_after_delay()
    {
        using var clients = new CommCareClients(Server);
        var domain = CommCareFixture.NewDomain();
        await clients.Client.UpsertAsync(domain, [Patient("P1")]);
        await Server.ResetFaultsAndStatsAsync();
        await Server.ChangeFaultsAsync(new { script = new[] { 429 }, retry_after_seconds = 1 });

        var clock = Stopwatch.StartNew();
        var found = await clients.Client.GetByExternalIdAsync(domain, "P1");
        clock.Stop();

        Assert.NotNull(found);
        // The back-off alone would be ~10 ms: only the Retry-After header makes it wait a second. A timer can fire a
        // millisecond before the stopwatch has counted the whole second (a CI run saw 0.9990113 s), so allow for that.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {clock.Elapsed}");
        Assert.Equal(2, await RequestsAsync());
    }

    [Fact]
    public async Task A_429_asking_for_longer_than_the_client_waits_ends_at_once_as_transient_with_the_delay()
    {
        using var clients = new CommCareClients(Server, new Dictionary<string, string?> { ["CommCare:MaxRetryAfter"] = "00:00:02" });
        await Server.ChangeFaultsAsync(new { script = new[] { 429 }, retry_after_seconds = 5 });

        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<CommCareException>(() => clients.Client.UpsertAsync(CommCareFixture.NewDomain(), [Patient("P1")]));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.Equal(429, e.StatusCode);
        Assert.True(e.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(5), e.RetryAfter);
        Assert.Equal(1, await RequestsAsync());
    }

    [Fact]
    public async Task A_503_that_persists_is_a_transient_failure_after_the_configured_retries()
    {
        using var clients = new CommCareClients(Server, new Dictionary<string, string?> { ["CommCare:MaxRetries"] = "2" });
        await Server.ChangeFaultsAsync(new { script = new[] { 503, 503, 503, 503 } });

        var e = await Assert.ThrowsAsync<CommCareException>(() => clients.Client.UpsertAsync(CommCareFixture.NewDomain(), [Patient("P1")]));

        Assert.Equal(503, e.StatusCode);
        Assert.True(e.IsTransient);
        Assert.Null(e.RetryAfter);
        Assert.Equal(3, await RequestsAsync());
    }

    [Fact]
    public async Task A_try_that_takes_longer_than_the_attempt_timeout_is_a_transient_failure_without_status()
    {
        using var clients = new CommCareClients(Server, new Dictionary<string, string?>
        {
            ["CommCare:AttemptTimeout"] = "00:00:00.200",
            ["CommCare:MaxRetries"] = "1",
        });
        await Server.ChangeFaultsAsync(new { latency_ms = 2000 });

        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<CommCareException>(() => clients.Client.GetByExternalIdAsync(CommCareFixture.NewDomain(), "P1"));

        Assert.Null(e.StatusCode);
        Assert.True(e.IsTransient);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_server_that_does_not_listen_is_a_transient_failure_without_status()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var connection = new Dictionary<string, string?>(Server.ClientSettings()) { ["CommCare:BaseUrl"] = $"http://127.0.0.1:{port}/" };
        using var clients = new CommCareClients(connection, new Dictionary<string, string?> { ["CommCare:MaxRetries"] = "1" });

        var e = await Assert.ThrowsAsync<CommCareException>(() => clients.Client.GetByIdAsync("demo", "x"));

        Assert.Null(e.StatusCode);
        Assert.True(e.IsTransient);
        Assert.IsType<HttpRequestException>(e.InnerException);
    }

    [Fact]
    public async Task The_circuit_opens_after_repeated_failures_and_then_fails_requests_without_sending_them()
    {
        using var clients = new CommCareClients(Server, new Dictionary<string, string?>
        {
            ["CommCare:MaxRetries"] = "0",
            ["CommCare:BreakMinimumThroughput"] = "2",
            ["CommCare:BreakFailureRatio"] = "0.5",
            ["CommCare:BreakDuration"] = "00:00:30",
        });
        var domain = CommCareFixture.NewDomain();
        await Server.ChangeFaultsAsync(new { script = new[] { 503, 502 } });

        var first = await Assert.ThrowsAsync<CommCareException>(() => clients.Client.GetByIdAsync(domain, "x"));
        var second = await Assert.ThrowsAsync<CommCareException>(() => clients.Client.GetByIdAsync(domain, "x"));
        // Another client of the same container shares the circuit.
        var third = await Assert.ThrowsAsync<CommCareException>(() => clients.NewClient().UpsertAsync(domain, [Patient("P1")]));

        Assert.Equal([503, 502], new[] { first.StatusCode, second.StatusCode });
        Assert.Null(third.StatusCode);
        Assert.True(third.IsTransient);
        Assert.Contains("circuit", third.Message, StringComparison.Ordinal);
        Assert.Equal(2, await RequestsAsync());
    }

    [Fact]
    public async Task Throttling_does_not_open_the_circuit()
    {
        using var clients = new CommCareClients(Server, new Dictionary<string, string?>
        {
            ["CommCare:MaxRetries"] = "0",
            ["CommCare:BreakMinimumThroughput"] = "2",
        });
        await Server.ChangeFaultsAsync(new { script = new[] { 429, 429, 429 }, retry_after_seconds = 0 });

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(429, (await Assert.ThrowsAsync<CommCareException>(() => clients.Client.GetByIdAsync("d", "x"))).StatusCode);
        }

        Assert.Null(await clients.Client.GetByIdAsync(CommCareFixture.NewDomain(), "x"));
    }

    [Fact]
    public async Task More_than_100_items_or_one_external_id_twice_are_refused_without_sending()
    {
        using var clients = new CommCareClients(Server);
        var domain = CommCareFixture.NewDomain();
        var tooMany = Enumerable.Range(1, 101).Select(i => Patient($"P{i}")).ToList();

        await Assert.ThrowsAsync<ArgumentException>(() => clients.Client.UpsertAsync(domain, tooMany));
        await Assert.ThrowsAsync<ArgumentException>(() => clients.Client.UpsertAsync(domain, [Patient("P1"), LabResult("L1"), Patient("P1")]));
        await Assert.ThrowsAsync<ArgumentException>(() => clients.Client.UpsertAsync(domain, []));
        await Assert.ThrowsAsync<ArgumentException>(() => clients.Client.UpsertAsync(
            domain, [Patient("P1") with { TemporaryId = "t" }, Patient("P2") with { TemporaryId = "t" }]));

        Assert.Equal(0, await RequestsAsync());
        Assert.Equal(100, (await clients.Client.UpsertAsync(domain, tooMany[..100])).Cases.Count);
    }

    [Fact]
    public async Task Logs_carry_status_codes_never_urls_external_ids_property_values_or_bodies()
    {
        using var clients = new CommCareClients(Server, new Dictionary<string, string?> { ["CommCare:MaxRetries"] = "1" });
        var domain = CommCareFixture.NewDomain();
        var person = Patient("P-Zx81", ("first_name", "Zebulon"), ("last_name", "Quillfeather"), ("dob", "1931-07-14"));
        await Server.ChangeFaultsAsync(new { script = new[] { 503 } });
        await clients.Client.UpsertAsync(domain, [person]);
        await Server.ChangeFaultsAsync(new { script = new object[] { "after_apply", 503 } });
        await Assert.ThrowsAsync<CommCareException>(() => clients.Client.UpsertAsync(domain, [person]));
        await Server.ChangeFaultsAsync(new { script = new[] { 422 } });
        await Assert.ThrowsAsync<CommCareException>(() => clients.Client.GetByExternalIdAsync(domain, "P-Zx81"));
        await Assert.ThrowsAsync<CommCareException>(() => clients.Client.UpsertAsync(domain, [person with { Properties = new Dictionary<string, string> { ["1bad"] = "Zebulon" } }]));
        Assert.Null(await clients.Client.GetByExternalIdAsync(domain, "P-Yq42"));

        var text = clients.Logs.AllText;
        Assert.Contains("503", text, StringComparison.Ordinal);
        Assert.Contains("422", text, StringComparison.Ordinal);
        Assert.Contains("400", text, StringComparison.Ordinal);
        foreach (var value in new[] { "Zebulon", "Quillfeather", "1931-07-14", "P-Zx81", "P-Yq42", "/api/case", "Injected", CommCareServer.ApiKey })
        {
            Assert.DoesNotContain(value, text, StringComparison.Ordinal);
        }
    }

    private async Task<int> RequestsAsync() => (await Server.StatsAsync())["requests"]!.GetValue<int>();

    private static async Task<int> PatientsAsync(ICommCareClient client, string domain)
    {
        var count = 0;
        await foreach (var page in client.ListChangedAsync(domain, "patient", DateTimeOffset.UnixEpoch))
        {
            count += page.Cases.Count;
        }

        return count;
    }
}
