using System.Globalization;
using System.Text.Json;
using Viaduct.CommCare.Storage;

namespace Viaduct.CommCare.Api;

/// <summary>Writes cases in CommCare HQ's "single case serialization format" of the Case API v2.</summary>
internal static class CaseJson
{
    /// <summary>CommCare's datetime format: ISO 8601 UTC with microseconds, e.g. <c>2020-03-19T14:31:34.133000Z</c>.</summary>
    public static string Format(DateTime value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// One case. <c>indexed_on</c> is the time the server last changed the case (here the list is "indexed" as it is
    /// written, so it equals <c>server_last_modified</c>).
    /// </summary>
    public static void Write(Utf8JsonWriter writer, StoredCase stored)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(stored);
        writer.WriteStartObject();
        writer.WriteString("domain", stored.Domain);
        writer.WriteString("case_id", stored.CaseId);
        writer.WriteString("case_type", stored.CaseType);
        writer.WriteString("case_name", stored.CaseName);
        writer.WriteString("external_id", stored.ExternalId);
        writer.WriteString("owner_id", stored.OwnerId);
        writer.WriteString("date_opened", Format(stored.DateOpened));
        writer.WriteString("last_modified", Format(stored.LastModified));
        writer.WriteString("server_last_modified", Format(stored.ServerLastModified));
        writer.WriteString("indexed_on", Format(stored.ServerLastModified));
        writer.WriteBoolean("closed", stored.Closed);
        if (stored.DateClosed is { } closed)
            writer.WriteString("date_closed", Format(closed));
        else
            writer.WriteNull("date_closed");
        writer.WriteStartObject("properties");
        foreach (var (name, value) in stored.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("indices");
        foreach (var (name, index) in stored.Indices.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteStartObject(name);
            writer.WriteString("case_id", index.CaseId);
            writer.WriteString("case_type", index.CaseType);
            writer.WriteString("relationship", index.Relationship);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
