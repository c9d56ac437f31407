using Viaduct.Engines.E4.Loader.CommCare;

namespace Viaduct.Engines.E4.Loader.Posting;

/// <summary>
/// The upsert items of one request (DESIGN.md section 5): each patient case (<c>external_id</c> P&lt;person&gt;,
/// owned by the county's location) followed by its lab results, extensions of it named by its external id.
/// </summary>
public static class CaseUpserts
{
    public const string PatientCaseType = "patient";
    public const string LabResultCaseType = "lab_result";

    public static IReadOnlyList<CaseUpsert> For(IReadOnlyList<CasePart> request, string ownerId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var items = new List<CaseUpsert>(request.Sum(p => p.Items));
        foreach (var part in request)
        {
            var patient = part.Case;
            items.Add(new CaseUpsert(PatientCaseType, CaseName(patient.Properties, "full_name", patient.ExternalId), ownerId, patient.ExternalId, patient.Properties));
            items.AddRange(part.LabResults.Select(lab => new CaseUpsert(
                LabResultCaseType, CaseName(lab.Properties, "accession_number", lab.ExternalId), ownerId, lab.ExternalId, lab.Properties)
            {
                Parent = CaseIndex.ByExternalId(patient.ExternalId, PatientCaseType),
            }));
        }

        return items;
    }

    private static string CaseName(IReadOnlyDictionary<string, string> properties, string property, string fallback) =>
        properties.TryGetValue(property, out var name) && !string.IsNullOrWhiteSpace(name) ? name : fallback;
}
