using Viaduct.Engines.E2.Transformer.Matching;
using Viaduct.Shared.Eclrs;
using C = Viaduct.Shared.Eclrs.EclrsColumns;

namespace Viaduct.Engines.E2.Transformer.Cases;

/// <summary>
/// The fields of one stored test result that E2 matches on and turns into case properties, as the file gave them
/// (strings untrimmed, empty when absent) except the date of birth, parsed to a calendar date. Build one with
/// <see cref="Parse"/> from <c>test_results.raw_data</c> and its ECLRS version, or <see cref="From"/> from a reader
/// positioned on a good row.
/// </summary>
public sealed record ResultRow
{
    public string PatientKey { get; init; } = "";
    public string LastName { get; init; } = "";
    public string FirstName { get; init; } = "";
    public DateOnly? DateOfBirth { get; init; }
    public string SexCode { get; init; } = "";
    public string AddressLine1 { get; init; } = "";
    public string AddressLine2 { get; init; } = "";
    public string City { get; init; } = "";
    public string ZipCode { get; init; } = "";
    public string CountyCode { get; init; } = "";
    public string HomePhone { get; init; } = "";
    public string SendingFacilityName { get; init; } = "";
    public string FacilityName { get; init; } = "";
    public string ProviderFirstName { get; init; } = "";
    public string ProviderLastName { get; init; } = "";

    /// <summary>OBRCOLLECTIONDATE as in the file (New York local time).</summary>
    public string CollectionDate { get; init; } = "";
    public string LoincCode { get; init; } = "";
    public string LoincDescription { get; init; } = "";
    public string ResultText { get; init; } = "";
    public string ResultTextShort { get; init; } = "";
    public string ProducerLabName { get; init; } = "";
    public string AccessionNumber { get; init; } = "";

    /// <summary>OBXANALYSISDATE as in the file (New York local time).</summary>
    public string AnalysisDate { get; init; } = "";
    public string SpecimenSourceName { get; init; } = "";
    public string ResultPositive { get; init; } = "";

    /// <summary>The fields the person matcher uses.</summary>
    public ResultIdentity Identity => new(PatientKey, DateOfBirth, LastName, FirstName);

    /// <summary>The fields of the reader's current row; the reader must be on a good row (<c>Error</c> null).</summary>
    public static ResultRow From(EclrsReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.Error is { } error)
        {
            throw new InvalidOperationException($"the row on line {reader.LineNumber} is bad ({error})");
        }

        return new ResultRow
        {
            PatientKey = reader[C.PatientKey],
            LastName = reader[C.LastName],
            FirstName = reader[C.FirstName],
            DateOfBirth = EclrsValue.ParseDate(reader.GetSpan(C.DateOfBirth)),
            SexCode = reader[C.SexCode],
            AddressLine1 = reader[C.AddressLine1],
            AddressLine2 = reader[C.AddressLine2],
            City = reader[C.City],
            ZipCode = reader[C.ZipCode],
            CountyCode = reader[C.CountyCode],
            HomePhone = reader[C.HomePhone],
            SendingFacilityName = reader[C.SendingFacilityName],
            FacilityName = reader[C.FacilityName],
            ProviderFirstName = reader[C.ProviderFirstName],
            ProviderLastName = reader[C.ProviderLastName],
            CollectionDate = reader[C.CollectionDate],
            LoincCode = reader[C.LoincCode],
            LoincDescription = reader[C.LoincDesc],
            ResultText = reader[C.ResultText],
            ResultTextShort = reader[C.ResultTextShort],
            ProducerLabName = reader[C.ProducerLabName],
            AccessionNumber = reader[C.AccessionNumber],
            AnalysisDate = reader[C.AnalysisDate],
            SpecimenSourceName = reader[C.SpecimenSourceName],
            ResultPositive = reader[C.ResultPositive],
        };
    }

    /// <summary>The fields of one stored raw row (<c>test_results.raw_data</c>) of a file of <paramref name="version"/>.</summary>
    /// <exception cref="FormatException">The text is not exactly one good row of that version.</exception>
    public static ResultRow Parse(string rawData, EclrsVersion version)
    {
        ArgumentNullException.ThrowIfNull(rawData);
        using var text = new StringReader(rawData);
        using var reader = EclrsReader.OpenRows(text, version);
        if (!reader.Read())
        {
            throw new FormatException("the stored row is empty");
        }

        if (reader.Error is { } error)
        {
            throw new FormatException($"the stored row cannot be read as ECLRS {version}: {error}");
        }

        var row = From(reader);
        if (reader.Read())
        {
            throw new FormatException("the stored text holds more than one row");
        }

        return row;
    }
}
