using System.Text.Json;
using System.Text.RegularExpressions;

namespace Viaduct.CommCare.Api;

/// <summary>
/// Reads and checks the body of <c>POST /a/{domain}/api/case/v2/</c> the way CommCare HQ does before it builds a form:
/// a list of at most <c>MaxCasesPerRequest</c> items (bulk) or one object (always a creation); and of the
/// <c>PUT</c>s to one case (by case id: an update; by external id: an upsert). Messages name rows,
/// fields and ids, never a posted value: the values are patient data, and the messages end up in logs.
/// </summary>
internal static partial class CaseChangeReader
{
    private const int MaxLength = 255;

    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "create", "case_id", "temporary_id", "case_name", "case_type", "external_id", "owner_id", "user_id",
        "properties", "indices", "close",
    };

    private static readonly HashSet<string> IndexFields = new(StringComparer.Ordinal)
    {
        "case_id", "external_id", "temporary_id", "case_type", "relationship",
    };

    /// <summary>The changes the body asks for, in posted order, and whether it was a list.</summary>
    /// <exception cref="CaseApiException">400 with CommCare's kind of message when the body is not acceptable.</exception>
    public static (IReadOnlyList<CaseChange> Changes, bool IsBulk) Read(JsonElement root, int maxCases)
    {
        switch (root.ValueKind)
        {
            case JsonValueKind.Object:
                try
                {
                    return ([ReadItem(root, row: 1, ItemMode.Create)], false);
                }
                catch (InvalidItemException e)
                {
                    throw new CaseApiException(StatusCodes.Status400BadRequest, e.Message);
                }

            case JsonValueKind.Array:
                var length = root.GetArrayLength();
                if (length > maxCases)
                {
                    throw new CaseApiException(StatusCodes.Status400BadRequest, $"You cannot submit more than {maxCases} updates in a single request");
                }

                var changes = new List<CaseChange>(length);
                var errors = new List<string>();
                var row = 0;
                foreach (var item in root.EnumerateArray())
                {
                    row++;
                    try
                    {
                        changes.Add(ReadItem(item, row, ItemMode.Bulk));
                    }
                    catch (InvalidItemException e)
                    {
                        errors.Add($"Error in row {row}: {e.Message}");
                    }
                }

                var repeatedTemporaryIds = changes
                    .Where(change => change.TemporaryId is not null)
                    .GroupBy(change => change.TemporaryId, StringComparer.Ordinal)
                    .Where(group => group.Count() > 1);
                foreach (var group in repeatedTemporaryIds)
                {
                    errors.Add($"temporary_id '{group.Key}' is used by more than one case; it must be unique per request");
                }

                if (errors.Count > 0)
                {
                    throw new CaseApiException(StatusCodes.Status400BadRequest, string.Join("; ", errors));
                }

                return (changes, true);

            default:
                throw new CaseApiException(StatusCodes.Status400BadRequest, "Payload must be a case object or a list of case objects");
        }
    }

    /// <summary>
    /// The body of <c>PUT /a/{domain}/api/case/v2/{case_id}</c> (an update of that case) or of
    /// <c>PUT .../ext/{external_id}/</c> (an upsert by that external id): one object.
    /// </summary>
    /// <exception cref="CaseApiException">400 when the body is not acceptable.</exception>
    public static CaseChange ReadPut(JsonElement root, string? caseId, string? externalId)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CaseApiException(StatusCodes.Status400BadRequest, "Payload must be a case object");
        }

        try
        {
            return ReadItem(root, row: 1, caseId is not null ? ItemMode.PutCaseId : ItemMode.PutExternalId, caseId, externalId);
        }
        catch (InvalidItemException e)
        {
            throw new CaseApiException(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    private static CaseChange ReadItem(JsonElement item, int row, ItemMode mode, string? pathCaseId = null, string? pathExternalId = null)
    {
        var bulk = mode == ItemMode.Bulk;
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidItemException("each update must be a JSON object");
        }

        foreach (var property in item.EnumerateObject())
        {
            if (!Fields.Contains(property.Name) || (!bulk && property.Name == "create") || (mode == ItemMode.PutExternalId && property.Name == "case_id"))
            {
                throw new InvalidItemException($"'{property.Name}' is not a valid field.");
            }
        }

        bool? create = null;
        if (bulk && item.TryGetProperty("create", out var createElement))
        {
            create = createElement.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null => null,
                _ => throw new InvalidItemException("'create' must be true, false or null"),
            };
        }

        var caseId = String(item, "case_id") ?? pathCaseId;
        var externalId = pathExternalId ?? String(item, "external_id");
        var kind = mode switch
        {
            ItemMode.Create => CaseChangeKind.Create,
            ItemMode.PutCaseId => CaseChangeKind.Update,
            ItemMode.PutExternalId => CaseChangeKind.Upsert,
            _ when create == true => CaseChangeKind.Create,
            _ when create == false || caseId is not null => CaseChangeKind.Update,
            _ when externalId is not null => CaseChangeKind.Upsert,
            _ => throw new InvalidItemException("A 'create' flag is required for each update, unless the update names an external_id to upsert by."),
        };

        var temporaryId = String(item, "temporary_id");
        if ((kind == CaseChangeKind.Update || mode is ItemMode.PutCaseId or ItemMode.PutExternalId) && temporaryId is not null)
        {
            throw new InvalidItemException("'temporary_id' is not a valid field.");
        }

        if (kind == CaseChangeKind.Create && caseId is not null)
        {
            throw new InvalidItemException("You cannot specify case_id when creating a new case");
        }

        var change = new CaseChange
        {
            Row = row,
            Kind = kind,
            CaseId = caseId,
            TemporaryId = temporaryId,
            ExternalId = externalId,
            CaseType = String(item, "case_type"),
            CaseName = String(item, "case_name"),
            OwnerId = String(item, "owner_id"),
            Close = Close(item),
            Properties = Properties(item),
            Indices = Indices(item),
        };

        // An upsert needs these only when it creates: checked once its external id has been looked up.
        if (kind == CaseChangeKind.Create)
        {
            if (MissingForCreation(change) is { } problem)
            {
                throw new InvalidItemException(problem);
            }
        }
        else if (caseId is null && externalId is null)
        {
            throw new InvalidItemException("Case updates must provide either a case_id or external_id");
        }

        return change;
    }

    /// <summary>What a change that creates a case lacks (case_type, case_name, owner_id), as CommCare words it; null if nothing.</summary>
    public static string? MissingForCreation(CaseChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        foreach (var (name, value) in new[] { ("case_type", change.CaseType), ("case_name", change.CaseName), ("owner_id", change.OwnerId) })
        {
            if (string.IsNullOrEmpty(value))
            {
                return $"Property {name} is required.";
            }
        }

        return null;
    }

    private static string? String(JsonElement item, string name, int maxLength = MaxLength)
    {
        if (!item.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            throw new InvalidItemException($"'{name}' must be a string, not {Describe(element.ValueKind)}");
        }

        var value = element.GetString()!;
        if (value.Length > maxLength)
        {
            throw new InvalidItemException($"'{name}' is longer than {maxLength} characters");
        }

        return value;
    }

    private static bool Close(JsonElement item)
    {
        if (!item.TryGetProperty("close", out var element))
        {
            return false;
        }

        return element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw new InvalidItemException($"'close' must be true or false, not {Describe(element.ValueKind)}"),
        };
    }

    private static Dictionary<string, string> Properties(JsonElement item)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!item.TryGetProperty("properties", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return properties;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidItemException("'properties' must be an object of property names and string values");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!IsValidIdentifier(property.Name))
            {
                throw new InvalidItemException($"Error with case property '{property.Name}'. Case property names must be valid XML identifiers.");
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                // CommCare HQ echoes the value here; this server does not, because values are patient data.
                throw new InvalidItemException($"Error with case property '{property.Name}'. Values must be strings, received {Describe(property.Value.ValueKind)}");
            }

            properties[property.Name] = property.Value.GetString()!;
        }

        return properties;
    }

    private static Dictionary<string, IndexChange> Indices(JsonElement item)
    {
        var indices = new Dictionary<string, IndexChange>(StringComparer.Ordinal);
        if (!item.TryGetProperty("indices", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return indices;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidItemException("'indices' must be an object of index names and index definitions");
        }

        foreach (var index in element.EnumerateObject())
        {
            if (!IsValidIdentifier(index.Name))
            {
                throw new InvalidItemException($"Error with index '{index.Name}'. Index names must be valid XML identifiers.");
            }

            if (index.Value.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidItemException($"Index '{index.Name}' must be an object");
            }

            foreach (var field in index.Value.EnumerateObject())
            {
                if (!IndexFields.Contains(field.Name))
                {
                    throw new InvalidItemException($"'{field.Name}' is not a valid field of index '{index.Name}'.");
                }
            }

            var change = new IndexChange(
                String(index.Value, "case_id"),
                String(index.Value, "external_id"),
                String(index.Value, "temporary_id"),
                String(index.Value, "case_type"),
                String(index.Value, "relationship"));
            var named = new[] { change.CaseId, change.ExternalId, change.TemporaryId }.Count(id => !string.IsNullOrEmpty(id));
            if (named > 1)
            {
                throw new InvalidItemException("Indices must specify case_id, external_id, or temporary ID, and only one");
            }

            if (named == 1)
            {
                if (string.IsNullOrEmpty(change.CaseType))
                    throw new InvalidItemException("Property case_type is required when creating or updating case indices");
                if (string.IsNullOrEmpty(change.Relationship))
                    throw new InvalidItemException("Property relationship is required when creating or updating case indices");
                if (change.Relationship is not ("child" or "extension"))
                    throw new InvalidItemException($"Index '{index.Name}': relationship must be 'child' or 'extension'");
            }

            indices[index.Name] = change with
            {
                CaseId = NullIfEmpty(change.CaseId),
                ExternalId = NullIfEmpty(change.ExternalId),
                TemporaryId = NullIfEmpty(change.TemporaryId),
            };
        }

        return indices;
    }

    /// <summary>A valid XML element name, as CommCare requires of property and index names.</summary>
    internal static bool IsValidIdentifier(string name) =>
        Identifier().IsMatch(name) && !name.StartsWith("xml", StringComparison.OrdinalIgnoreCase);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        _ => "null",
    };

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-]*$")]
    private static partial Regex Identifier();

    private enum ItemMode
    {
        /// <summary>An item of a list POST.</summary>
        Bulk,

        /// <summary>A single-object POST.</summary>
        Create,

        PutCaseId,

        PutExternalId,
    }

    private sealed class InvalidItemException(string message) : Exception(message);
}
