using System.Globalization;

namespace Viaduct.Engines.E2.Transformer.Cases;

/// <summary>The CommCare <c>external_id</c>s of DESIGN.md section 5.</summary>
public static class CaseExternalIds
{
    /// <summary>The patient case's: <c>P&lt;person id&gt;</c>, the same for one person in every county.</summary>
    public static string Patient(long personId) => string.Create(CultureInfo.InvariantCulture, $"P{personId}");

    /// <summary>The lab result case's: <c>P&lt;person id&gt;#&lt;patient key&gt;#&lt;accession&gt;</c> (key and accession trimmed).</summary>
    public static string LabResult(long personId, string? patientKey, string? accessionNumber) =>
        string.Create(CultureInfo.InvariantCulture, $"P{personId}#{patientKey?.Trim()}#{accessionNumber?.Trim()}");
}
