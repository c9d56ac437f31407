using System.Net;
using System.Text.Json.Nodes;
using Viaduct.CommCare.Tests.Support;

namespace Viaduct.CommCare.Tests;

public sealed class UpsertTests(CommCareFixture fixture) : IClassFixture<CommCareFixture>
{
    private CommCareServer Server => fixture.Server;

    [Fact]
    public async Task An_upsert_by_external_id_creates_the_case_then_updates_that_same_case()
    {
        var domain = CommCareFixture.NewDomain();

        var first = await Server.UpsertAsync(domain, new[] { Items.Patient("P1", new() { ["first_name"] = "Ann", ["dob"] = "1980-02-03" }) });
        var second = await Server.UpsertAsync(domain, new[] { Items.Patient("P1", new() { ["first_name"] = "Anne", ["address_city"] = "Albany" }) });

        var created = first.Cases().Single()!;
        var updated = second.Cases().Single()!;
        Assert.Equal(created.Str("case_id"), updated.Str("case_id"));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE domain = $1", domain));
        Assert.Equal("Anne", updated["properties"].Str("first_name"));
        Assert.Equal("1980-02-03", updated["properties"].Str("dob"));
        Assert.Equal("Albany", updated["properties"].Str("address_city"));
        Assert.Equal(created.Str("date_opened"), updated.Str("date_opened"));
        Assert.True(string.CompareOrdinal(updated.Str("server_last_modified"), created.Str("server_last_modified")) > 0);
        Assert.NotEqual(first.Str("xform_id"), second.Str("xform_id"));
        Assert.Equal(second.Str("xform_id"), second.Str("form_id"));
    }

    [Fact]
    public async Task The_answer_has_one_case_per_item_in_posted_order_in_commcare_shape()
    {
        var domain = CommCareFixture.NewDomain();

        var answer = await Server.UpsertAsync(domain, new[] { Items.Patient("P1"), Items.Patient("P2"), Items.Patient("P3") });

        Assert.True(Guid.TryParse(answer.Str("xform_id"), out _));
        Assert.Equal(["P1", "P2", "P3"], answer.Cases().Select(c => c.Str("external_id")));
        var one = answer.Cases()[0]!.AsObject();
        Assert.Equal(
            ["domain", "case_id", "case_type", "case_name", "external_id", "owner_id", "date_opened", "last_modified",
             "server_last_modified", "indexed_on", "closed", "date_closed", "properties", "indices"],
            one.Select(p => p.Key));
        Assert.Equal(domain, one.Str("domain"));
        Assert.Equal("patient", one.Str("case_type"));
        Assert.Equal(Items.Owner, one.Str("owner_id"));
        Assert.False(one["closed"]!.GetValue<bool>());
        Assert.Null(one["date_closed"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", one.Str("server_last_modified"));
    }

    [Fact]
    public async Task Create_true_always_creates_and_then_an_upsert_of_that_external_id_is_refused()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.UpsertAsync(domain, new[] { Items.Patient("P1") });

        await Server.UpsertAsync(domain, new[] { Items.Patient("P1").With("create", true) });
        using var upsert = await Server.PostCasesAsync(domain, new[] { Items.Patient("P1") });

        Assert.Equal(2L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE domain = $1 AND external_id = 'P1'", domain));
        Assert.Equal(HttpStatusCode.BadRequest, upsert.StatusCode);
        var error = JsonNode.Parse(await upsert.Content.ReadAsStringAsync())!;
        Assert.Contains("multiple cases with external_id P1", error.Str("error"), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(error.Str("xform_id"), out _));
    }

    [Fact]
    public async Task Upserting_one_new_external_id_twice_in_one_request_creates_two_cases_as_commcare_does()
    {
        var domain = CommCareFixture.NewDomain();

        var answer = await Server.UpsertAsync(domain, new[] { Items.Patient("P9"), Items.Patient("P9") });

        Assert.NotEqual(answer.Cases()[0].Str("case_id"), answer.Cases()[1].Str("case_id"));
        Assert.Equal(2L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE domain = $1", domain));
    }

    [Fact]
    public async Task Upserting_an_existing_external_id_twice_in_one_request_updates_the_one_case()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.UpsertAsync(domain, new[] { Items.Patient("P1") });

        var answer = await Server.UpsertAsync(domain, new[]
        {
            Items.Patient("P1", new() { ["first_name"] = "One" }),
            Items.Patient("P1", new() { ["last_name"] = "Two" }),
        });

        Assert.Equal(answer.Cases()[0].Str("case_id"), answer.Cases()[1].Str("case_id"));
        Assert.Equal("One", answer.Cases()[1]!["properties"].Str("first_name"));
        Assert.Equal("Two", answer.Cases()[1]!["properties"].Str("last_name"));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE domain = $1", domain));
    }

    [Fact]
    public async Task An_item_with_a_case_id_updates_that_case_and_close_closes_it()
    {
        var domain = CommCareFixture.NewDomain();
        var caseId = (await Server.UpsertAsync(domain, new[] { Items.Patient("P1") })).Cases()[0].Str("case_id");

        var answer = await Server.UpsertAsync(domain, new object[]
        {
            new Dictionary<string, object?> { ["case_id"] = caseId, ["properties"] = new Dictionary<string, string> { ["transfer_destination_county_id"] = "36001" }, ["close"] = true },
        });

        var updated = answer.Cases().Single()!;
        Assert.Equal(caseId, updated.Str("case_id"));
        Assert.True(updated["closed"]!.GetValue<bool>());
        Assert.Equal(updated.Str("server_last_modified"), updated.Str("date_closed"));
        Assert.Equal("36001", updated["properties"].Str("transfer_destination_county_id"));
        Assert.Equal("Test", updated["properties"].Str("first_name"));
    }

    [Fact]
    public async Task Create_false_updates_by_external_id_and_refuses_an_unknown_one()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.UpsertAsync(domain, new[] { Items.Patient("P1") });

        var answer = await Server.UpsertAsync(domain, new object[]
        {
            new Dictionary<string, object?> { ["create"] = false, ["external_id"] = "P1", ["case_name"] = "Renamed" },
        });
        using var unknown = await Server.PostCasesAsync(domain, new object[]
        {
            new Dictionary<string, object?> { ["create"] = false, ["external_id"] = "P404", ["case_name"] = "Nobody" },
        });

        Assert.Equal("Renamed", answer.Cases().Single().Str("case_name"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("Could not find a case with external_id 'P404'", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_single_object_post_always_creates_and_answers_with_case()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.UpsertAsync(domain, new[] { Items.Patient("P1") });

        var answer = await Server.UpsertAsync(domain, Items.Patient("P1"));

        Assert.Equal("P1", answer["case"].Str("external_id"));
        Assert.Null(answer["cases"]);
        Assert.Equal(2L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE domain = $1", domain));
    }

    [Fact]
    public async Task Every_applied_request_is_recorded_as_a_form()
    {
        var domain = CommCareFixture.NewDomain();

        var answer = await Server.UpsertAsync(domain, new[] { Items.Patient("P1"), Items.Patient("P2") });

        var caseIds = await fixture.Database.ScalarAsync<string[]>(
            "SELECT case_ids FROM commcare.xforms WHERE xform_id = $1 AND state = 'normal' AND username = $2",
            Guid.Parse(answer.Str("xform_id")), CommCareServer.Username);
        Assert.Equal(answer.Cases().Select(c => c.Str("case_id")).Order(), caseIds.Order());
    }

    [Fact]
    public async Task An_upsert_of_an_existing_case_may_name_only_what_changes_but_a_creation_needs_type_name_and_owner()
    {
        var domain = CommCareFixture.NewDomain();
        await Server.UpsertAsync(domain, new[] { Items.Patient("P1") });
        var changeOnly = new Dictionary<string, object?> { ["external_id"] = "P1", ["properties"] = new Dictionary<string, string> { ["new_lab_result_received"] = "yes" } };

        var answer = await Server.UpsertAsync(domain, new[] { changeOnly });
        using var creation = await Server.PostCasesAsync(domain, new[] { changeOnly.With("external_id", "P2") });

        Assert.Equal("yes", answer.Cases()[0]!["properties"].Str("new_lab_result_received"));
        Assert.Equal("patient", answer.Cases()[0].Str("case_type"));
        Assert.Equal(HttpStatusCode.BadRequest, creation.StatusCode);
        Assert.Contains("Property case_type is required.", await creation.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_put_to_a_case_id_edits_that_case_as_a_person_in_commcare_would()
    {
        var domain = CommCareFixture.NewDomain();
        var caseId = (await Server.UpsertAsync(domain, new[] { Items.Patient("P1") })).Cases()[0].Str("case_id");

        using var edited = await Server.Client.PutAsync($"/a/{domain}/api/case/v2/{caseId}", CommCareServer.Json(new
        {
            owner_id = "loc-0002",
            properties = new { transfer_destination_county_id = "36005" },
        }));
        using var unknown = await Server.Client.PutAsync($"/a/{domain}/api/case/v2/{Guid.NewGuid()}", CommCareServer.Json(new { case_name = "x" }));

        var answer = JsonNode.Parse(await edited.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal(caseId, answer["case"].Str("case_id"));
        Assert.Equal("loc-0002", answer["case"].Str("owner_id"));
        Assert.Equal("36005", answer["case"]!["properties"].Str("transfer_destination_county_id"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("No case found with ID", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_put_to_an_external_id_creates_the_case_then_updates_it()
    {
        var domain = CommCareFixture.NewDomain();
        var body = Items.Patient("ignored").With("external_id", null);

        using var first = await Server.Client.PutAsync($"/a/{domain}/api/case/v2/ext/P7/", CommCareServer.Json(body));
        using var second = await Server.Client.PutAsync($"/a/{domain}/api/case/v2/ext/P7/", CommCareServer.Json(new { case_name = "Renamed" }));

        var created = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["case"]!;
        var updated = JsonNode.Parse(await second.Content.ReadAsStringAsync())!["case"]!;
        Assert.Equal("P7", created.Str("external_id"));
        Assert.Equal(created.Str("case_id"), updated.Str("case_id"));
        Assert.Equal("Renamed", updated.Str("case_name"));
    }
}
