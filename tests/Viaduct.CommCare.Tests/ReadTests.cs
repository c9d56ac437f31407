using Viaduct.CommCare.Tests.Support;

namespace Viaduct.CommCare.Tests;

public sealed class ReadTests(CommCareFixture fixture) : IClassFixture<CommCareFixture>
{
    private CommCareServer Server => fixture.Server;

    [Fact]
    public async Task A_case_is_read_by_its_id_as_the_upsert_answered_it()
    {
        var domain = CommCareFixture.NewDomain();
        var posted = (await Server.UpsertAsync(domain, new[] { Items.Patient("P1", new() { ["dob"] = "1970-01-01" }) })).Cases()[0]!;

        var (status, read) = await Server.GetAsync($"/a/{domain}/api/case/v2/{posted.Str("case_id")}");

        Assert.Equal(200, status);
        Assert.Equal(posted.ToJsonString(), read.ToJsonString());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("")]
    public async Task A_case_is_read_by_its_external_id_with_or_without_the_trailing_slash(string slash)
    {
        var domain = CommCareFixture.NewDomain();
        var posted = (await Server.UpsertAsync(domain, new[] { Items.Patient("P1#K 2/3") })).Cases()[0]!;

        var (status, read) = await Server.GetAsync($"/a/{domain}/api/case/v2/ext/{Uri.EscapeDataString("P1#K 2/3")}{slash}");

        Assert.Equal(200, status);
        Assert.Equal(posted.Str("case_id"), read.Str("case_id"));
    }

    [Fact]
    public async Task Unknown_ids_answer_404_with_an_error()
    {
        var domain = CommCareFixture.NewDomain();

        var (byId, error) = await Server.GetAsync($"/a/{domain}/api/case/v2/{Guid.NewGuid()}");
        var (byExternalId, _) = await Server.GetAsync($"/a/{domain}/api/case/v2/ext/P404/");

        Assert.Equal(404, byId);
        Assert.Equal(404, byExternalId);
        Assert.EndsWith("not found", error.Str("error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_case_of_another_domain_is_not_found()
    {
        var domain = CommCareFixture.NewDomain();
        var caseId = (await Server.UpsertAsync(domain, new[] { Items.Patient("P1") })).Cases()[0].Str("case_id");
        var other = CommCareFixture.NewDomain();

        var (byId, _) = await Server.GetAsync($"/a/{other}/api/case/v2/{caseId}");
        var (byExternalId, _) = await Server.GetAsync($"/a/{other}/api/case/v2/ext/P1/");

        Assert.Equal(404, byId);
        Assert.Equal(404, byExternalId);
    }

    [Fact]
    public async Task An_external_id_shared_by_two_cases_reads_as_the_older_case()
    {
        var domain = CommCareFixture.NewDomain();
        var older = (await Server.UpsertAsync(domain, new[] { Items.Patient("P1") })).Cases()[0].Str("case_id");
        await Server.UpsertAsync(domain, new[] { Items.Patient("P1").With("create", true) });

        var (status, read) = await Server.GetAsync($"/a/{domain}/api/case/v2/ext/P1/");

        Assert.Equal(200, status);
        Assert.Equal(older, read.Str("case_id"));
    }
}
