using Viaduct.Engines.E4.Loader.CommCare;

namespace Viaduct.Engines.E4.Loader.Posting;

/// <summary>
/// The upsert items of one request (DESIGN.md section 5): each patient case (<c>external_id</c> P&lt;person&gt;,
/// owned by the county's location) followed by its lab results, extensions of it named by its external id. A case
/// posted to its own county whose CommCare id is known (posted before, or made in CommCare and synced down by E5)
/// is updated by that id, which also gives it our external id; others are upserted by external id.
/// </summary>
public static class CaseUpserts
{
    public const string PatientCaseType = "patient";
    public const string LabResultCaseType = "lab_result";

    public static IReadOnlyList<CaseUpsert> For(IReadOnlyList<CasePart> request, string ownerId, Func<long, bool> inOwnCounty)
    {
        ArgumentNullException.ThrowIfNull(inOwnCounty);
        ArgumentNullException.ThrowIfNull(request);
        var items = new List<CaseUpsert>(request.Sum(p => p.Items));
        foreach (var part in request)
        {
            var patient = part.Case;
            var own = inOwnCounty(patient.Id);
            items.Add(new CaseUpsert(PatientCaseType, CaseName(patient.Properties, "full_name", patient.ExternalId), ownerId, patient.ExternalId, patient.Properties)
            {
                CaseId = own ? patient.CaseId : null,
            });
            items.AddRange(part.LabResults.Select(lab => new CaseUpsert(
                LabResultCaseType, CaseName(lab.Properties, "accession_number", lab.ExternalId), ownerId, lab.ExternalId, lab.Properties)
            {
                CaseId = own ? lab.CaseId : null,
                Parent = own && patient.CaseId is { } parentId
                    ? CaseIndex.ByCaseId(parentId, PatientCaseType)
                    : CaseIndex.ByExternalId(patient.ExternalId, PatientCaseType),
            }));
        }

        return items;
    }

    private static string CaseName(IReadOnlyDictionary<string, string> properties, string property, string fallback) =>
        properties.TryGetValue(property, out var name) && !string.IsNullOrWhiteSpace(name) ? name : fallback;
}
