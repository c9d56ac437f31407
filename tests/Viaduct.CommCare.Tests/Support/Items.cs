using System.Text.Json.Nodes;

namespace Viaduct.CommCare.Tests.Support;

/// <summary>Request items shaped as Viaduct's loader posts them (fictitious people only).</summary>
public static class Items
{
    public const string Owner = "loc-0001";

    /// <summary>A patient case upserted by external id (no <c>create</c>).</summary>
    public static Dictionary<string, object?> Patient(string externalId, Dictionary<string, string>? properties = null) => new()
    {
        ["case_type"] = "patient",
        ["case_name"] = "Test Person " + externalId,
        ["owner_id"] = Owner,
        ["external_id"] = externalId,
        ["properties"] = properties ?? new Dictionary<string, string> { ["first_name"] = "Test", ["last_name"] = "Person" },
    };

    /// <summary>A lab result upserted by external id, its parent named by the patient's external id.</summary>
    public static Dictionary<string, object?> LabResult(string externalId, string patientExternalId) => new()
    {
        ["case_type"] = "lab_result",
        ["case_name"] = "Lab " + externalId,
        ["owner_id"] = Owner,
        ["external_id"] = externalId,
        ["properties"] = new Dictionary<string, string> { ["accession_number"] = "A-" + externalId, ["lab_result"] = "positive" },
        ["indices"] = new Dictionary<string, object>
        {
            ["parent"] = new Dictionary<string, string> { ["external_id"] = patientExternalId, ["case_type"] = "patient", ["relationship"] = "extension" },
        },
    };

    public static Dictionary<string, object?> With(this Dictionary<string, object?> item, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(item);
        var copy = new Dictionary<string, object?>(item) { [key] = value };
        return copy;
    }

    public static JsonArray Cases(this JsonObject answer) => answer["cases"]!.AsArray();

    public static string Str(this JsonNode? node, string key) => node![key]!.GetValue<string>();
}
