using System.Net;
using System.Net.Http.Headers;
using Viaduct.CommCare.Tests.Support;

namespace Viaduct.CommCare.Tests;

public sealed class AuthenticationTests(CommCareFixture fixture) : IClassFixture<CommCareFixture>
{
    private CommCareServer Server => fixture.Server;

    [Fact]
    public async Task A_request_without_an_api_key_is_answered_401()
    {
        using var anonymous = Server.NewClient(null, null);

        using var get = await anonymous.GetAsync("/a/county-a/api/case/v2/");
        using var post = await anonymous.PostAsync("/a/county-a/api/case/v2/", CommCareServer.Json(new[] { Items.Patient("P1") }));

        Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Equal("ApiKey", get.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData(CommCareServer.Username, "wrong-key")]
    [InlineData("nobody@test.example", CommCareServer.ApiKey)]
    [InlineData(CommCareServer.Username, "")]
    public async Task A_wrong_username_or_api_key_is_answered_401(string username, string apiKey)
    {
        using var client = Server.NewClient(username, apiKey);

        using var response = await client.GetAsync("/a/county-a/api/case/v2/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Basic_authentication_is_not_an_api_key()
    {
        using var client = Server.NewClient(null, null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{CommCareServer.Username}:{CommCareServer.ApiKey}")));

        using var response = await client.GetAsync("/a/county-a/api/case/v2/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_user_limited_to_some_domains_is_answered_403_elsewhere()
    {
        using var client = Server.NewClient("county-only@test.example", "test-key-2");

        using var own = await client.GetAsync("/a/county-a/api/case/v2/");
        using var other = await client.GetAsync("/a/county-b/api/case/v2/");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Health_answers_without_an_api_key_and_the_control_endpoints_need_one()
    {
        using var anonymous = Server.NewClient(null, null);

        using var health = await anonymous.GetAsync("/health");
        using var faults = await anonymous.GetAsync("/_control/faults");
        using var stats = await anonymous.GetAsync("/_control/stats");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, faults.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stats.StatusCode);
    }

    [Fact]
    public async Task Liveness_readiness_and_metrics_answer_without_an_api_key()
    {
        using var anonymous = Server.NewClient(null, null);

        using var live = await anonymous.GetAsync("/health/live");
        using var ready = await anonymous.GetAsync("/health/ready");
        using var metrics = await anonymous.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        // The requests just made are counted.
        Assert.Contains("http_server_request_duration_seconds", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
