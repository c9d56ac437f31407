using System.Globalization;
using System.Text.Json;

namespace Viaduct.Cli.Trace;

/// <summary>
/// Removes a traced person's own name, date of birth, address and phone from free text the trace prints: reasons come
/// from other systems (a refusing server's answer may quote the case it refused). The values are read only to be
/// looked for, and never printed.
/// </summary>
internal sealed class PhiRedactor
{
    public const string Mark = "[redacted]";

    private static readonly string[] CaseProperties =
        ["first_name", "last_name", "full_name", "dob", "address_street", "address_city", "address_zip", "contact_phone_number"];

    private readonly HashSet<string> _values = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds the personal values of a case's properties (a JSON object of strings).</summary>
    public void AddCaseProperties(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return;
        }

        var properties = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) ?? [];
        foreach (var name in CaseProperties)
        {
            if (properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                Add(value.GetString());
                if (name == "dob" && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dob))
                {
                    AddDate(dob);
                }
            }
        }
    }

    public void AddPerson(string? lastName, string? firstName, DateOnly? dateOfBirth)
    {
        Add(lastName);
        Add(firstName);
        if (dateOfBirth is { } dob)
        {
            AddDate(dob);
        }
    }

    public string? Redact(string? text)
    {
        if (text is null || _values.Count == 0)
        {
            return text;
        }

        // Longest first, so a full name goes before the last name inside it.
        foreach (var value in _values.OrderByDescending(v => v.Length))
        {
            text = text.Replace(value, Mark, StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }

    private void AddDate(DateOnly date)
    {
        foreach (var format in (string[])["yyyy-MM-dd", "MM/dd/yyyy", "M/d/yyyy", "yyyyMMdd", "ddMMMyyyy", "dd-MMM-yyyy"])
        {
            Add(date.ToString(format, CultureInfo.InvariantCulture));
        }
    }

    // Very short values (an initial, a two-letter name) would blank out ordinary words of the reason.
    private void Add(string? value)
    {
        if (value?.Trim() is { Length: >= 3 } trimmed)
        {
            _values.Add(trimmed);
        }
    }
}
