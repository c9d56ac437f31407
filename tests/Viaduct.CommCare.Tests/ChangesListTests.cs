using System.Globalization;
using System.Text.Json.Nodes;
using Viaduct.CommCare.Tests.Support;

namespace Viaduct.CommCare.Tests;

public sealed class ChangesListTests(CommCareFixture fixture) : IClassFixture<CommCareFixture>
{
    private CommCareServer Server => fixture.Server;

    [Fact]
    public async Task The_changes_list_pages_oldest_first_and_its_next_urls_cover_every_case_once()
    {
        var domain = CommCareFixture.NewDomain();
        var posted = new List<string>();
        for (var request = 0; request < 5; request++)
        {
            var answer = await Server.UpsertAsync(domain, Enumerable.Range(0, 5).Select(i => Items.Patient($"P{request}-{i}")).ToArray());
            posted.AddRange(answer.Cases().Select(c => c.Str("case_id")));
        }

        var pages = await PullAsync($"/a/{domain}/api/case/v2/?case_type=patient&limit=7");

        Assert.Equal([7, 7, 7, 4], pages.Select(p => p.Cases().Count));
        Assert.Equal([25L, 18L, 11L, 4L], pages.Select(p => p["matching_records"]!.GetValue<long>()));
        var pulled = pages.SelectMany(p => p.Cases()).ToList();
        Assert.Equal(posted, pulled.Select(c => c.Str("case_id")));
        var stamps = pulled.Select(c => c.Str("server_last_modified")).ToList();
        Assert.Equal(stamps.Order(StringComparer.Ordinal), stamps);
        Assert.Null(pages[^1]["next"]);
        Assert.StartsWith(Server.Address.ToString().TrimEnd('/') + $"/a/{domain}/api/case/v2/?cursor=", pages[0].Str("next"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_next_url_answers_the_same_page_each_time_it_is_followed()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.UpsertAsync(domain, Enumerable.Range(0, 6).Select(i => Items.Patient("P" + i)).ToArray());
        var first = (await Server.GetAsync($"/a/{domain}/api/case/v2/?limit=2")).Body;
        var next = first.Str("next");

        var once = (await Server.GetAsync(next)).Body;
        await Server.UpsertAsync(CommCareFixture.NewDomain(), new[] { Items.Patient("Other") });
        var twice = (await Server.GetAsync(next)).Body;

        Assert.Equal(once.ToJsonString(), twice.ToJsonString());
    }

    [Fact]
    public async Task A_case_updated_during_a_pull_appears_again_at_the_end()
    {
        var domain = CommCareFixture.NewDomain();
        var cases = (await Server.UpsertAsync(domain, Enumerable.Range(0, 6).Select(i => Items.Patient("P" + i)).ToArray())).Cases();
        var firstPage = (await Server.GetAsync($"/a/{domain}/api/case/v2/?limit=3")).Body;

        await Server.UpsertAsync(domain, new[] { Items.Patient("P0", new() { ["contact_phone_number"] = "555-0100" }) });
        var rest = await PullAsync(firstPage.Str("next"));

        var pulled = firstPage.Cases().Concat(rest.SelectMany(p => p.Cases())).Select(c => c.Str("case_id")).ToList();
        Assert.Equal(cases.Select(c => c.Str("case_id")).Append(cases[0].Str("case_id")), pulled);
        Assert.Equal("555-0100", rest[^1].Cases()[^1]!["properties"].Str("contact_phone_number"));
    }

    [Fact]
    public async Task The_changes_list_filters_by_case_type_and_server_last_modified()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.UpsertAsync(domain, new[] { Items.Patient("P1"), Items.Patient("P2") });
        var later = (await Server.UpsertAsync(domain, new[] { Items.Patient("P3"), Items.LabResult("L3", "P3") })).Cases();
        var since = later[0].Str("server_last_modified");

        var patients = (await Server.GetAsync($"/a/{domain}/api/case/v2/?case_type=patient&server_last_modified.gte={Uri.EscapeDataString(since)}")).Body;
        var labs = (await Server.GetAsync($"/a/{domain}/api/case/v2/?case_type=lab_result")).Body;
        var before = (await Server.GetAsync($"/a/{domain}/api/case/v2/?server_last_modified.lt={Uri.EscapeDataString(since)}")).Body;
        var both = (await Server.GetAsync($"/a/{domain}/api/case/v2/?case_type=patient&case_type=lab_result")).Body;

        Assert.Equal(["P3"], patients.Cases().Select(c => c.Str("external_id")));
        Assert.Equal(["L3"], labs.Cases().Select(c => c.Str("external_id")));
        Assert.Equal(["P1", "P2"], before.Cases().Select(c => c.Str("external_id")));
        Assert.Equal(4, both["matching_records"]!.GetValue<int>());
    }

    [Fact]
    public async Task Dates_without_a_time_or_with_an_unencoded_plus_are_read_as_utc()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.UpsertAsync(domain, new[] { Items.Patient("P1") });
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var byDate = (await Server.GetAsync($"/a/{domain}/api/case/v2/?server_last_modified.gte={today}")).Body;
        var byOffset = (await Server.GetAsync($"/a/{domain}/api/case/v2/?server_last_modified.gte={today}T00:00:00+00:00")).Body;
        var tomorrow = (await Server.GetAsync($"/a/{domain}/api/case/v2/?server_last_modified.gte={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}")).Body;

        Assert.Single(byDate.Cases());
        Assert.Single(byOffset.Cases());
        Assert.Empty(tomorrow.Cases());
    }

    [Fact]
    public async Task Closed_properties_and_indices_filters_select_cases()
    {
        var domain = CommCareFixture.NewDomain();
        var answer = await Server.UpsertAsync(domain, new[]
        {
            Items.Patient("P1", new() { ["fips"] = "36001" }), Items.Patient("P2", new() { ["fips"] = "36003" }).With("close", true),
            Items.LabResult("L1", "P1"),
        });
        var p1 = answer.Cases()[0].Str("case_id");

        var open = (await Server.GetAsync($"/a/{domain}/api/case/v2/?case_type=patient&closed=false")).Body;
        var byProperty = (await Server.GetAsync($"/a/{domain}/api/case/v2/?properties.fips=36003")).Body;
        var children = (await Server.GetAsync($"/a/{domain}/api/case/v2/?indices.parent={p1}")).Body;

        Assert.Equal(["P1"], open.Cases().Select(c => c.Str("external_id")));
        Assert.Equal(["P2"], byProperty.Cases().Select(c => c.Str("external_id")));
        Assert.Equal(["L1"], children.Cases().Select(c => c.Str("external_id")));
    }

    [Theory]
    [InlineData("colour=red", "'colour' is not a valid parameter.")]
    [InlineData("limit=0", "'0' is not a valid value for 'limit'")]
    [InlineData("limit=5001", "You cannot request more than 5000 cases per request.")]
    [InlineData("server_last_modified.gte=yesterday", "Cannot parse 'yesterday' of 'server_last_modified.gte'")]
    [InlineData("server_last_modified.after=2024-01-01", "'server_last_modified.after' is not a valid parameter.")]
    [InlineData("cursor=not-a-cursor", "'cursor' is not a cursor this server made")]
    public async Task A_bad_list_parameter_is_refused_with_400(string query, string expected)
    {
        var (status, body) = await Server.GetAsync($"/a/{CommCareFixture.NewDomain()}/api/case/v2/?{query}");

        Assert.Equal(400, status);
        Assert.StartsWith(expected, body.Str("error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_page_is_100_cases()
    {
        var domain = CommCareFixture.NewDomain();
        for (var request = 0; request < 2; request++)
        {
            await Server.UpsertAsync(domain, Enumerable.Range(0, 60).Select(i => Items.Patient($"P{request}-{i}")).ToArray());
        }

        var page = (await Server.GetAsync($"/a/{domain}/api/case/v2/")).Body;

        Assert.Equal(100, page.Cases().Count);
        Assert.Equal(120, page["matching_records"]!.GetValue<int>());
        Assert.NotNull(page["next"]);
    }

    [Fact]
    public async Task A_pull_beside_concurrent_writers_misses_no_case()
    {
        var domain = CommCareFixture.NewDomain();
        using var writing = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 6).Select(writer => Task.Run(async () =>
        {
            var ids = new List<string>();
            for (var request = 0; request < 12; request++)
            {
                var answer = await Server.UpsertAsync(domain, Enumerable.Range(0, 4).Select(i => Items.Patient($"W{writer}-{request}-{i}")).ToArray());
                ids.AddRange(answer.Cases().Select(c => c.Str("case_id")));
            }

            return ids;
        })).ToList();

        var seen = new HashSet<string>();
        string? next = $"/a/{domain}/api/case/v2/?limit=5";
        var allWritten = false;
        while (true)
        {
            var page = (await Server.GetAsync(next!)).Body;
            seen.UnionWith(page.Cases().Select(c => c.Str("case_id")));
            if (page["next"] is { } more)
            {
                next = more.GetValue<string>();
                continue;
            }

            if (allWritten)
            {
                break;
            }

            // At the end of the list: go on from the last case seen, the way a sync job polls.
            allWritten = writers.All(w => w.IsCompleted);
            var last = page.Cases().LastOrDefault();
            next = last is null ? next : $"/a/{domain}/api/case/v2/?limit=5&server_last_modified.gte={Uri.EscapeDataString(last.Str("server_last_modified"))}";
            await Task.Delay(20);
        }

        var written = (await Task.WhenAll(writers)).SelectMany(ids => ids).ToHashSet();
        Assert.Equal(6 * 12 * 4, written.Count);
        Assert.Subset(seen, written);
    }

    private async Task<List<JsonObject>> PullAsync(string first)
    {
        var pages = new List<JsonObject>();
        string? next = first;
        while (next is not null)
        {
            var (status, page) = await Server.GetAsync(next);
            Assert.Equal(200, status);
            pages.Add(page);
            next = page["next"]?.GetValue<string>();
        }

        return pages;
    }
}
