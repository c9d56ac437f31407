using System.Net;
using System.Text.Json.Nodes;
using Viaduct.CommCare.Tests.Support;

namespace Viaduct.CommCare.Tests;

public sealed class ValidationTests(CommCareFixture fixture) : IClassFixture<CommCareFixture>
{
    private CommCareServer Server => fixture.Server;

    [Fact]
    public async Task More_than_100_items_are_refused_with_400_and_nothing_is_saved()
    {
        var domain = CommCareFixture.NewDomain();
        var items = Enumerable.Range(1, 101).Select(i => Items.Patient("P" + i)).ToArray();

        using var response = await Server.PostCasesAsync(domain, items);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("more than 100 updates", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await CountAsync(domain));
    }

    [Fact]
    public async Task Exactly_100_items_are_accepted()
    {
        var domain = CommCareFixture.NewDomain();

        var answer = await Server.UpsertAsync(domain, Enumerable.Range(1, 100).Select(i => Items.Patient("P" + i)).ToArray());

        Assert.Equal(100, answer.Cases().Count);
        Assert.Equal(100L, await CountAsync(domain));
    }

    public static TheoryData<string, object, string> InvalidItems => new()
    {
        { "missing case_type", Items.Patient("P1").With("case_type", null), "Property case_type is required." },
        { "missing owner_id", Items.Patient("P1").With("create", true).With("owner_id", null), "Property owner_id is required." },
        { "a number as a property value", Items.Patient("P1").With("properties", new { dob = 19800203 }), "Error with case property 'dob'. Values must be strings, received a number" },
        { "a property name that is no XML name", Items.Patient("P1").With("properties", new Dictionary<string, string> { ["1st name"] = "x" }), "Case property names must be valid XML identifiers" },
        { "a property name starting with xml", Items.Patient("P1").With("properties", new Dictionary<string, string> { ["xmlns"] = "x" }), "Case property names must be valid XML identifiers" },
        { "an unknown field", Items.Patient("P1").With("colour", "blue"), "'colour' is not a valid field." },
        { "a case_id on a creation", Items.Patient("P1").With("create", true).With("case_id", "abc"), "You cannot specify case_id when creating a new case" },
        { "neither create nor an id", new Dictionary<string, object?> { ["case_type"] = "patient", ["case_name"] = "x", ["owner_id"] = "o" }, "A 'create' flag is required" },
        { "an update without an id", new Dictionary<string, object?> { ["create"] = false, ["case_name"] = "x" }, "Case updates must provide either a case_id or external_id" },
        { "close as a string", Items.Patient("P1").With("close", "true"), "'close' must be true or false" },
        { "a number as case_name", Items.Patient("P1").With("case_name", 7), "'case_name' must be a string" },
        { "an index with two targets", Items.LabResult("L1", "P1").With("indices", new { parent = new { case_id = "a", external_id = "b", case_type = "patient", relationship = "extension" } }), "only one" },
        { "an index without a relationship", Items.LabResult("L1", "P1").With("indices", new { parent = new { external_id = "P1", case_type = "patient" } }), "Property relationship is required" },
        { "an unknown relationship", Items.LabResult("L1", "P1").With("indices", new { parent = new { external_id = "P1", case_type = "patient", relationship = "sibling" } }), "relationship must be 'child' or 'extension'" },
        { "an update of an unknown case", new Dictionary<string, object?> { ["case_id"] = "no-such-case", ["case_name"] = "x" }, "No case found with ID 'no-such-case'" },
    };

    [Theory]
    [MemberData(nameof(InvalidItems))]
    public async Task An_invalid_item_refuses_the_whole_request_with_400_naming_its_row(string what, object invalid, string expected)
    {
        var domain = CommCareFixture.NewDomain();

        using var response = await Server.PostCasesAsync(domain, new[] { Items.Patient("P-ok"), invalid });

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {body}");
        var error = JsonNode.Parse(body)!.Str("error");
        Assert.StartsWith("Error in row 2: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal(0L, await CountAsync(domain));
    }

    [Fact]
    public async Task A_refused_property_value_is_not_echoed_back()
    {
        using var response = await Server.PostCasesAsync(CommCareFixture.NewDomain(), new[] { Items.Patient("P1").With("properties", new { dob = 19800203 }) });

        Assert.DoesNotContain("19800203", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_bad_row_is_named()
    {
        using var response = await Server.PostCasesAsync(CommCareFixture.NewDomain(), new[]
        {
            Items.Patient("P1").With("case_name", 1), Items.Patient("P2"), Items.Patient("P3").With("colour", "red"),
        });

        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("error");
        Assert.Equal("Error in row 1: 'case_name' must be a string, not a number; Error in row 3: 'colour' is not a valid field.", error);
    }

    [Theory]
    [InlineData("{not json", "Payload must be valid JSON")]
    [InlineData("\"a string\"", "Payload must be a case object or a list of case objects")]
    [InlineData("[1]", "Error in row 1: each update must be a JSON object")]
    [InlineData("{\"create\": true, \"case_type\": \"t\", \"case_name\": \"n\", \"owner_id\": \"o\"}", "'create' is not a valid field.")]
    public async Task A_body_that_is_not_cases_is_refused_with_400(string body, string expected)
    {
        using var response = await Server.PostCasesAsync(CommCareFixture.NewDomain(), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expected, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("error"));
    }

    [Fact]
    public async Task Temporary_ids_must_be_unique_in_a_request()
    {
        var item = new Dictionary<string, object?> { ["create"] = true, ["case_type"] = "t", ["case_name"] = "n", ["owner_id"] = "o", ["temporary_id"] = "x" };

        using var response = await Server.PostCasesAsync(CommCareFixture.NewDomain(), new[] { item, item });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("temporary_id 'x' is used by more than one case", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private Task<long> CountAsync(string domain) =>
        fixture.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE domain = $1", domain);
}
