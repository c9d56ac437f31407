using Viaduct.Engines.E2.Transformer.Tests.Cases;
using Viaduct.Shared.Eclrs;
using C = Viaduct.Shared.Eclrs.EclrsColumns;

namespace Viaduct.Engines.E2.Transformer.Tests.Support;

/// <summary>v3 rows of the typical sample result with some fields changed, for the integration tests.</summary>
public static class ResultRows
{
    public static string Row(
        string patientKey, string accession, string county = "36001", string lastName = "Testuser", string firstName = "Mary Ann",
        string dob = "01MAR1947:00:00:00.000000", params (int Column, string Value)[] more)
    {
        var values = SampleRows.Typical
            .Where(v => v.Column is not (C.PatientKey or C.AccessionNumber or C.CountyCode or C.LastName or C.FirstName or C.DateOfBirth))
            .Concat(new (int Column, string Value)[]
            {
                (C.PatientKey, patientKey), (C.AccessionNumber, accession), (C.CountyCode, county),
                (C.LastName, lastName), (C.FirstName, firstName), (C.DateOfBirth, dob),
            });
        var overridden = more.Select(m => m.Column).ToHashSet();
        return SampleRows.Row(EclrsVersion.V3, values.Where(v => !overridden.Contains(v.Column)).Concat(more));
    }
}
