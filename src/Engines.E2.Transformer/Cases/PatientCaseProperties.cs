using System.Globalization;
using Viaduct.Engines.E2.Transformer.Counties;

namespace Viaduct.Engines.E2.Transformer.Cases;

/// <summary>
/// The properties of the patient case (DESIGN.md section 5, <c>case_type</c> patient). Every listed name is always
/// present; a value the row lacks is the empty string, which the add-if-missing merge treats as missing.
/// </summary>
public static class PatientCaseProperties
{
    public const string CaseType = "patient";

    public const string FirstName = "first_name";
    public const string LastName = "last_name";
    public const string FullName = "full_name";
    public const string Dob = "dob";
    public const string Gender = "gender";
    public const string AddressStreet = "address_street";
    public const string AddressCity = "address_city";
    public const string AddressZip = "address_zip";
    public const string AddressCounty = "address_county";
    public const string ContactPhoneNumber = "contact_phone_number";
    public const string Fips = "fips";
    public const string CountyCommcareDomain = "county_commcare_domain";
    public const string CountyDisplay = "county_display";
    public const string NewLabResultReceived = "new_lab_result_received";

    /// <summary>Every property name, in the order of DESIGN.md.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        FirstName, LastName, FullName, Dob, Gender, AddressStreet, AddressCity, AddressZip, AddressCounty,
        ContactPhoneNumber, Fips, CountyCommcareDomain, CountyDisplay, NewLabResultReceived,
    ];

    /// <summary>
    /// The patient case properties of <paramref name="row"/> in <paramref name="county"/> (the county the row's
    /// code resolved to). Names are trimmed as given; <c>full_name</c> is first and last name joined by a space;
    /// <c>dob</c> is YYYY-MM-DD; <c>address_street</c> is both address lines joined by a space;
    /// <c>contact_phone_number</c> keeps digits only; <c>address_county</c> and <c>county_display</c> are the
    /// county's name.
    /// </summary>
    public static IReadOnlyDictionary<string, string> From(ResultRow row, County county)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(county);

        var first = row.FirstName.Trim();
        var last = row.LastName.Trim();
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FirstName] = first,
            [LastName] = last,
            [FullName] = JoinNonBlank(first, last),
            [Dob] = FormatDate(row.DateOfBirth),
            [Gender] = GenderOf(row.SexCode),
            [AddressStreet] = JoinNonBlank(row.AddressLine1, row.AddressLine2),
            [AddressCity] = row.City.Trim(),
            [AddressZip] = row.ZipCode.Trim(),
            [AddressCounty] = county.Name,
            [ContactPhoneNumber] = DigitsOf(row.HomePhone),
            [Fips] = county.Fips,
            [CountyCommcareDomain] = county.Domain,
            [CountyDisplay] = county.Name,
            [NewLabResultReceived] = "yes",
        };
    }

    /// <summary><c>male</c> for M, <c>female</c> for F (either case), empty when blank, <c>other</c> for anything else.</summary>
    public static string GenderOf(string? sexCode) => sexCode?.Trim().ToUpperInvariant() switch
    {
        null or "" => "",
        "M" => "male",
        "F" => "female",
        _ => "other",
    };

    internal static string FormatDate(DateOnly? date) =>
        date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    internal static string JoinNonBlank(params ReadOnlySpan<string> parts)
    {
        var kept = new List<string>(parts.Length);
        foreach (var part in parts)
        {
            if (!string.IsNullOrWhiteSpace(part))
            {
                kept.Add(part.Trim());
            }
        }

        return string.Join(' ', kept);
    }

    private static string DigitsOf(string phone) => string.Concat(phone.Where(char.IsAsciiDigit));
}
