using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Viaduct.Engines.E4.Loader.CommCare;

namespace Viaduct.Engines.E4.Loader.Tests.CommCare;

/// <summary>What the local server never answers (relative next URLs, another server's URLs) and the settings, over a stub handler.</summary>
public sealed class CommCareClientUnitTests
{
    private const string EmptyCase = """{"case_id": "c1", "case_type": "patient", "properties": {}, "indices": {}, "closed": false}""";

    [Fact]
    public async Task A_next_url_given_as_a_path_with_its_query_is_followed_from_the_server_root()
    {
        var stub = new StubHandler(request => request.RequestUri!.Query.Contains("cursor=abc", StringComparison.Ordinal)
            ? Answer(HttpStatusCode.OK, $$"""{"matching_records": 1, "cases": [{{EmptyCase}}], "next": null}""")
            : Answer(HttpStatusCode.OK, $$"""{"matching_records": 2, "cases": [{{EmptyCase}}], "next": "/a/demo/api/case/v2/?cursor=abc"}"""));
        using var provider = Provider(stub, ("CommCare:BaseUrl", "https://hq.example.org/"));

        var pages = new List<CaseListPage>();
        await foreach (var page in provider.GetRequiredService<ICommCareClient>().ListChangedAsync("demo", "patient", DateTimeOffset.UnixEpoch))
        {
            pages.Add(page);
        }

        Assert.Equal(2, pages.Count);
        Assert.Equal(
            ["https://hq.example.org/a/demo/api/case/v2/?case_type=patient&server_last_modified.gte=1970-01-01T00%3A00%3A00.000000Z",
             "https://hq.example.org/a/demo/api/case/v2/?cursor=abc"],
            stub.Requests.Select(r => r.RequestUri!.AbsoluteUri));
    }

    [Fact]
    public async Task A_next_url_on_another_server_is_not_followed_so_the_api_key_stays_home()
    {
        var stub = new StubHandler(_ => Answer(HttpStatusCode.OK, """{"matching_records": 2, "cases": [], "next": "https://elsewhere.example.net/a/demo/api/case/v2/?cursor=abc"}"""));
        using var provider = Provider(stub);

        var e = await Assert.ThrowsAsync<CommCareException>(async () =>
        {
            await foreach (var page in provider.GetRequiredService<ICommCareClient>().ListChangedAsync("demo", "patient", DateTimeOffset.UnixEpoch))
            {
                Assert.Fail("no page should be given");
            }
        });

        Assert.False(e.IsTransient);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Requests_go_under_the_base_url_path_with_the_api_key_and_a_json_body_of_strings()
    {
        var stub = new StubHandler(_ => Answer(HttpStatusCode.OK, $$"""{"xform_id": "f1", "cases": [{{EmptyCase}}]}"""));
        using var provider = Provider(stub, ("CommCare:BaseUrl", "https://hq.example.org/prefix"), ("CommCare:Username", "u@example.org"), ("CommCare:ApiKey", "k1"));
        var item = new CaseUpsert("lab_result", "Lab", "loc-1", "P1#K#A", new Dictionary<string, string> { ["lab_result"] = "positive" })
        {
            Parent = CaseIndex.ByExternalId("P1", "patient"),
        };

        var result = await provider.GetRequiredService<ICommCareClient>().UpsertAsync("demo", [item]);

        var request = Assert.Single(stub.Requests);
        Assert.Equal("f1", result.XFormId);
        Assert.Equal("https://hq.example.org/prefix/a/demo/api/case/v2/", request.RequestUri!.AbsoluteUri);
        Assert.Equal("ApiKey u@example.org:k1", request.Headers.Authorization?.ToString());
        Assert.Equal(
            """[{"case_type":"lab_result","case_name":"Lab","owner_id":"loc-1","external_id":"P1#K#A","properties":{"lab_result":"positive"},"indices":{"parent":{"external_id":"P1","case_type":"patient","relationship":"extension"}},"close":false}]""",
            stub.Bodies.Single());
    }

    [Fact]
    public async Task A_success_whose_body_is_not_the_api_answer_is_a_permanent_failure()
    {
        using var provider = Provider(new StubHandler(_ => Answer(HttpStatusCode.OK, "<html>login</html>")));

        var e = await Assert.ThrowsAsync<CommCareException>(() => provider.GetRequiredService<ICommCareClient>().GetByIdAsync("demo", "c1"));

        Assert.Equal(200, e.StatusCode);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public async Task A_retry_after_date_is_honoured_as_the_time_left_until_it()
    {
        var stub = new StubHandler(_ =>
        {
            var response = Answer(HttpStatusCode.ServiceUnavailable, """{"error": "busy"}""");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddMinutes(5));
            return response;
        });
        using var provider = Provider(stub);

        var e = await Assert.ThrowsAsync<CommCareException>(() => provider.GetRequiredService<ICommCareClient>().GetByIdAsync("demo", "c1"));

        // Longer than MaxRetryAfter (30 s): not waited for, handed back for the job to be retried later.
        Assert.Single(stub.Requests);
        Assert.True(e.IsTransient);
        Assert.InRange(e.RetryAfter!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void The_defaults_reach_the_local_server_as_its_default_user_and_have_no_problems()
    {
        var options = new CommCareOptions();

        Assert.Empty(options.Problems());
        Assert.Equal(new Uri("http://127.0.0.1:5080/"), options.BaseUrl);
        Assert.Equal(("viaduct@example.org", "local-api-key"), (options.Username, options.ApiKey));
        Assert.Equal(3, options.MaxRetries);
    }

    [Theory]
    [InlineData("BaseUrl", "/relative", "CommCare:BaseUrl")]
    [InlineData("BaseUrl", "ftp://hq.example.org/", "CommCare:BaseUrl")]
    [InlineData("ApiKey", "", "CommCare:ApiKey")]
    [InlineData("AttemptTimeout", "00:00:00", "CommCare:AttemptTimeout")]
    [InlineData("MaxRetries", "11", "CommCare:MaxRetries")]
    [InlineData("MaxRetries", "-1", "CommCare:MaxRetries")]
    [InlineData("RetryDelay", "-00:00:01", "CommCare:RetryDelay")]
    [InlineData("MaxRetryAfter", "-00:00:01", "CommCare:MaxRetryAfter")]
    [InlineData("BreakFailureRatio", "0", "CommCare:BreakFailureRatio")]
    [InlineData("BreakFailureRatio", "1.5", "CommCare:BreakFailureRatio")]
    [InlineData("BreakMinimumThroughput", "1", "CommCare:BreakMinimumThroughput")]
    [InlineData("BreakDuration", "00:00:00.100", "CommCare:BreakDuration")]
    [InlineData("BreakSamplingDuration", "00:00:00", "CommCare:BreakSamplingDuration")]
    [InlineData("MaxErrorBodyLength", "-1", "CommCare:MaxErrorBodyLength")]
    public void A_bad_setting_is_named_and_stops_the_client_from_being_made(string key, string value, string named)
    {
        using var provider = Provider(new StubHandler(_ => Answer(HttpStatusCode.OK, "{}")), ("CommCare:" + key, value));

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ICommCareClient>());

        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Provider(StubHandler stub, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCommCareClient(configuration).ConfigurePrimaryHttpMessageHandler(() => stub);
        return services.BuildServiceProvider();
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            if (request.Content is not null)
            {
                Bodies.Add(await request.Content.ReadAsStringAsync(cancellationToken));
            }

            return answer(request);
        }
    }
}
