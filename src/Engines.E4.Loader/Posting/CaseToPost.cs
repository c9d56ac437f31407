namespace Viaduct.Engines.E4.Loader.Posting;

/// <summary>An index case as a posting job reads it, with its lab results and its county's domain and owner.</summary>
public sealed record CaseToPost(
    long Id,
    long PersonId,
    string CountyFips,
    string Domain,
    string LocationId,
    string ExternalId,
    string? CaseId,
    string? PostedDomain,
    IReadOnlyDictionary<string, string> Properties,
    int Version,
    int PostedVersion,
    string? PostState,
    string? PostJobId,
    bool Postable,
    IReadOnlyList<LabResultToPost> LabResults)
{
    /// <summary>
    /// Another case of the person in this county was transferred out (E5 saw it in CommCare): the patient's case in
    /// this county's domain may be that transferred one, so the transfer chain is followed even for a first post.
    /// </summary>
    public bool SiblingTransferred { get; init; }
}

/// <summary>A lab result to post with its index case.</summary>
public sealed record LabResultToPost(
    long Id, string AccessionNumber, string ExternalId, IReadOnlyDictionary<string, string> Properties, int Version, string? CaseId = null);

/// <summary>One upsert request's worth: a case and some (or all) of its lab results. A case never travels without its patient case.</summary>
public sealed record CasePart(CaseToPost Case, IReadOnlyList<LabResultToPost> LabResults)
{
    public int Items => 1 + LabResults.Count;
}
