using Viaduct.Shared.Eclrs;

namespace Viaduct.Engines.E2.Transformer.Cases;

/// <summary>
/// The properties of the lab result case (DESIGN.md section 5, <c>case_type</c> lab_result, an extension of the
/// patient case). Every listed name is always present; a value the row lacks is the empty string.
/// </summary>
public static class LabResultProperties
{
    public const string CaseType = "lab_result";

    public const string AccessionNumber = "accession_number";
    public const string LabResult = "lab_result";
    public const string Laboratory = "laboratory";
    public const string TestType = "test_type";
    public const string EclrsLoinc = "eclrs_loinc";
    public const string SpecimenCollectionDate = "specimen_collection_date";
    public const string SpecimenSource = "specimen_source";
    public const string AnalysisDate = "analysis_date";
    public const string OrderingFacilityName = "ordering_facility_name";
    public const string OrderingProviderName = "ordering_provider_name";

    /// <summary>Every property name, in the order of DESIGN.md.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        AccessionNumber, LabResult, Laboratory, TestType, EclrsLoinc, SpecimenCollectionDate, SpecimenSource,
        AnalysisDate, OrderingFacilityName, OrderingProviderName,
    ];

    /// <summary>
    /// The lab result properties of <paramref name="row"/>. <c>laboratory</c> is OBXPRODUCERLABNAME, else
    /// MSHSENDINGFACILITYNAME; <c>test_type</c> is OBXLOINCDESC; the two dates are the calendar date of the New York
    /// local timestamp as YYYY-MM-DD; <c>ordering_facility_name</c> is ZLRFACILITYNAME; <c>ordering_provider_name</c>
    /// is OBRPROVIDERFIRSTNAME and OBRPROVIDERLASTNAME joined by a space.
    /// </summary>
    public static IReadOnlyDictionary<string, string> From(ResultRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AccessionNumber] = row.AccessionNumber.Trim(),
            [LabResult] = Classify(row.ResultPositive, row.ResultText, row.ResultTextShort),
            [Laboratory] = string.IsNullOrWhiteSpace(row.ProducerLabName) ? row.SendingFacilityName.Trim() : row.ProducerLabName.Trim(),
            [TestType] = row.LoincDescription.Trim(),
            [EclrsLoinc] = row.LoincCode.Trim(),
            [SpecimenCollectionDate] = PatientCaseProperties.FormatDate(EclrsValue.ParseDate(row.CollectionDate)),
            [SpecimenSource] = row.SpecimenSourceName.Trim(),
            [AnalysisDate] = PatientCaseProperties.FormatDate(EclrsValue.ParseDate(row.AnalysisDate)),
            [OrderingFacilityName] = row.FacilityName.Trim(),
            [OrderingProviderName] = PatientCaseProperties.JoinNonBlank(row.ProviderFirstName, row.ProviderLastName),
        };
    }

    /// <summary>
    /// <c>positive</c>, <c>negative</c>, <c>inconclusive</c>, <c>invalid</c>, <c>unknown</c> or <c>other</c>.
    /// RESULTPOSITIVE decides when it says POSITIVE or NEGATIVE (Y/N too). Otherwise the result text
    /// (OBXOBSERVATIONRESULTTEXT, else its short form) is read, case-insensitively, in this order: inconclusive,
    /// indeterminate or equivocal is inconclusive; invalid is invalid; "not detected", "undetected", "negative" or
    /// "non-reactive" is negative; "positive", "detected" or "reactive" is positive; "unknown" is unknown; any other
    /// text is other; no text at all is unknown.
    /// </summary>
    public static string Classify(string? resultPositive, string? resultText, string? resultTextShort)
    {
        switch (resultPositive?.Trim().ToUpperInvariant())
        {
            case "POSITIVE" or "Y" or "YES":
                return "positive";
            case "NEGATIVE" or "N" or "NO":
                return "negative";
        }

        var text = string.IsNullOrWhiteSpace(resultText) ? resultTextShort : resultText;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "unknown";
        }

        text = text.Trim().ToUpperInvariant();
        if (ContainsAny(text, "INCONCLUSIVE", "INDETERMINATE", "EQUIVOCAL"))
        {
            return "inconclusive";
        }

        if (text.Contains("INVALID", StringComparison.Ordinal))
        {
            return "invalid";
        }

        if (ContainsAny(text, "NOT DETECTED", "UNDETECTED", "NEGATIVE", "NON-REACTIVE", "NONREACTIVE"))
        {
            return "negative";
        }

        if (ContainsAny(text, "POSITIVE", "DETECTED", "REACTIVE"))
        {
            return "positive";
        }

        return text.Contains("UNKNOWN", StringComparison.Ordinal) ? "unknown" : "other";
    }

    private static bool ContainsAny(string text, params ReadOnlySpan<string> words)
    {
        foreach (var word in words)
        {
            if (text.Contains(word, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
