using System.Net;
using System.Text.Json.Nodes;
using Viaduct.CommCare.Tests.Support;

namespace Viaduct.CommCare.Tests;

public sealed class IndexTests(CommCareFixture fixture) : IClassFixture<CommCareFixture>
{
    private CommCareServer Server => fixture.Server;

    [Fact]
    public async Task A_lab_result_indexed_by_external_id_points_at_the_stored_patient_case()
    {
        var domain = CommCareFixture.NewDomain();
        var patientId = (await Server.UpsertAsync(domain, new[] { Items.Patient("P1") })).Cases()[0].Str("case_id");

        var answer = await Server.UpsertAsync(domain, new[] { Items.LabResult("P1#K1#ACC1", "P1") });

        var parent = answer.Cases()[0]!["indices"]!["parent"]!;
        Assert.Equal(patientId, parent.Str("case_id"));
        Assert.Equal("patient", parent.Str("case_type"));
        Assert.Equal("extension", parent.Str("relationship"));
    }

    [Fact]
    public async Task A_patient_and_its_lab_result_in_one_request_are_linked_by_external_id()
    {
        var domain = CommCareFixture.NewDomain();

        var answer = await Server.UpsertAsync(domain, new[] { Items.LabResult("P2#K#A", "P2"), Items.Patient("P2") });

        Assert.Equal(answer.Cases()[1].Str("case_id"), answer.Cases()[0]!["indices"]!["parent"].Str("case_id"));
    }

    [Fact]
    public async Task A_parent_and_its_child_in_one_request_are_linked_by_temporary_id()
    {
        var domain = CommCareFixture.NewDomain();

        var answer = await Server.UpsertAsync(domain, new object[]
        {
            new Dictionary<string, object?>
            {
                ["create"] = true, ["case_type"] = "household", ["case_name"] = "House", ["owner_id"] = Items.Owner, ["temporary_id"] = "1",
            },
            new Dictionary<string, object?>
            {
                ["create"] = true, ["case_type"] = "patient", ["case_name"] = "Child", ["owner_id"] = Items.Owner,
                ["indices"] = new { parent = new { temporary_id = "1", case_type = "household", relationship = "child" } },
            },
        });

        var household = answer.Cases()[0]!;
        var child = answer.Cases()[1]!;
        Assert.Equal(household.Str("case_id"), child["indices"]!["parent"].Str("case_id"));
        Assert.Equal("child", child["indices"]!["parent"].Str("relationship"));
        Assert.Null(household["temporary_id"]);
    }

    [Fact]
    public async Task An_index_by_case_id_is_kept_and_an_index_without_a_target_removes_it()
    {
        var domain = CommCareFixture.NewDomain();
        var patientId = (await Server.UpsertAsync(domain, new[] { Items.Patient("P1") })).Cases()[0].Str("case_id");
        var lab = Items.LabResult("L1", "P1").With("indices", new { parent = new { case_id = patientId, case_type = "patient", relationship = "extension" } });
        var labId = (await Server.UpsertAsync(domain, new[] { lab })).Cases()[0].Str("case_id");

        var answer = await Server.UpsertAsync(domain, new object[]
        {
            new Dictionary<string, object?> { ["case_id"] = labId, ["indices"] = new { parent = new { case_type = "patient", relationship = "extension" } } },
        });

        Assert.Empty(answer.Cases()[0]!["indices"]!.AsObject());
    }

    [Theory]
    [InlineData("external_id", "P404", "Could not find a case with external_id 'P404'")]
    [InlineData("temporary_id", "9", "Could not find a case with temporary_id '9'")]
    [InlineData("case_id", "00000000-0000-0000-0000-000000000000", "does not exist")]
    public async Task An_index_to_an_unknown_case_is_refused_with_an_error_form_and_nothing_changes(string by, string target, string expected)
    {
        var domain = CommCareFixture.NewDomain();
        var lab = Items.LabResult("L1", "P1").With("indices", new Dictionary<string, object>
        {
            ["parent"] = new Dictionary<string, string> { [by] = target, ["case_type"] = "patient", ["relationship"] = "extension" },
        });

        using var response = await Server.PostCasesAsync(domain, new[] { Items.Patient("P1"), lab });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("Error in row 2: ", error.Str("error"), StringComparison.Ordinal);
        Assert.Contains(expected, error.Str("error"), StringComparison.Ordinal);
        var xformId = Guid.Parse(error.Str("xform_id"));
        Assert.Equal("error", await fixture.Database.ScalarAsync<string>("SELECT state FROM commcare.xforms WHERE xform_id = $1", xformId));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE domain = $1", domain));
    }
}
