using System.Globalization;
using System.Text.Json;

namespace Viaduct.Engines.E4.Loader.CommCare;

/// <summary>
/// The Case API v2's JSON: upsert items written as CommCare takes them (every value a string but <c>close</c>), cases
/// read leniently (a value CommCare leaves out or sends as null is null; a non-string property is kept as its JSON text).
/// </summary>
internal static class CaseApiJson
{
    /// <summary>CommCare's datetime format: ISO 8601 UTC with microseconds.</summary>
    public static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static byte[] WriteUpserts(IReadOnlyList<CaseUpsert> cases)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var item in cases)
            {
                writer.WriteStartObject();
                if (item.CaseId is { Length: > 0 } caseId)
                {
                    writer.WriteString("case_id", caseId);
                }

                writer.WriteString("case_type", item.CaseType);
                writer.WriteString("case_name", item.CaseName);
                writer.WriteString("owner_id", item.OwnerId);
                writer.WriteString("external_id", item.ExternalId);
                if (item.TemporaryId is not null)
                {
                    writer.WriteString("temporary_id", item.TemporaryId);
                }

                writer.WriteStartObject("properties");
                foreach (var (name, value) in item.Properties)
                {
                    writer.WriteString(name, value ?? "");
                }

                writer.WriteEndObject();
                if (item.Parent is { } parent)
                {
                    writer.WriteStartObject("indices");
                    writer.WriteStartObject("parent");
                    if (parent.CaseId is not null)
                        writer.WriteString("case_id", parent.CaseId);
                    else if (parent.ExternalId is not null)
                        writer.WriteString("external_id", parent.ExternalId);
                    else
                        writer.WriteString("temporary_id", parent.TemporaryId);
                    writer.WriteString("case_type", parent.CaseType);
                    writer.WriteString("relationship", parent.Relationship);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteBoolean("close", item.Close);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.ToArray();
    }

    /// <exception cref="FormatException">The answer is not an upsert answer.</exception>
    public static UpsertResult ReadUpsertResult(JsonElement root, string domain)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("cases", out var cases) || cases.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("The upsert answer has no \"cases\" list");
        }

        var formId = Text(root, "xform_id") ?? Text(root, "form_id") ?? "";
        return new UpsertResult(formId, [.. cases.EnumerateArray().Select(c => ReadCase(c, domain))]);
    }

    /// <exception cref="FormatException">The answer is not a page of cases.</exception>
    public static CaseListPage ReadPage(JsonElement root, string domain, Func<string, Uri> resolveNext)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("cases", out var cases) || cases.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("The list answer has no \"cases\" list");
        }

        var list = cases.EnumerateArray().Select(c => ReadCase(c, domain)).ToList();
        var matching = root.TryGetProperty("matching_records", out var count) && count.ValueKind == JsonValueKind.Number && count.TryGetInt64(out var n)
            ? n
            : list.Count;
        var next = Text(root, "next");
        return new CaseListPage(matching, list, string.IsNullOrEmpty(next) ? null : resolveNext(next));
    }

    /// <exception cref="FormatException">The element is not a case (no <c>case_id</c>).</exception>
    public static RemoteCase ReadCase(JsonElement element, string domain)
    {
        if (element.ValueKind != JsonValueKind.Object || Text(element, "case_id") is not { Length: > 0 } caseId)
        {
            throw new FormatException("A case in the answer has no case_id");
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in props.EnumerateObject())
            {
                if (ValueText(property.Value) is { } value)
                {
                    properties[property.Name] = value;
                }
            }
        }

        var indices = new Dictionary<string, RemoteIndex>(StringComparer.Ordinal);
        if (element.TryGetProperty("indices", out var idx) && idx.ValueKind == JsonValueKind.Object)
        {
            foreach (var index in idx.EnumerateObject())
            {
                if (index.Value.ValueKind == JsonValueKind.Object && Text(index.Value, "case_id") is { Length: > 0 } target)
                {
                    indices[index.Name] = new RemoteIndex(target, Text(index.Value, "case_type"), Text(index.Value, "relationship"));
                }
            }
        }

        return new RemoteCase(
            Text(element, "domain") ?? domain,
            caseId,
            Text(element, "case_type") ?? "",
            Text(element, "case_name"),
            Text(element, "external_id"),
            Text(element, "owner_id"),
            properties,
            indices,
            element.TryGetProperty("closed", out var closed) && closed.ValueKind == JsonValueKind.True,
            Time(element, "date_opened"),
            Time(element, "last_modified"),
            Time(element, "server_last_modified"),
            Time(element, "indexed_on"),
            Time(element, "date_closed"));
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? ValueText(value) : null;

    private static string? ValueText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        Text(element, name) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}
