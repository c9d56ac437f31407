namespace Viaduct.Engines.E2.Transformer.Matching;

/// <summary>Where a case stands in a transfer to another county.</summary>
public enum CaseTransferState
{
    /// <summary>Not transferred.</summary>
    None = 0,

    /// <summary>A transfer out of the county has been requested but not yet carried out.</summary>
    Pending = 1,

    /// <summary>The case has been transferred out of the county.</summary>
    Sent = 2,
}

/// <summary>One of the person's index cases, as the matcher needs to see it.</summary>
/// <param name="IndexCaseId">The index case's id.</param>
/// <param name="CountyFips">The FIPS code of the county the case belongs to.</param>
/// <param name="Closed">Whether the case is closed.</param>
/// <param name="Transfer">Whether the case has been (or is being) transferred out.</param>
/// <param name="RegisteredInError">Whether the county marked the case as registered in error.</param>
/// <param name="AccessionNumbers">The accession numbers of the lab results the case already holds.</param>
public sealed record IndexCaseCandidate(
    long IndexCaseId,
    string CountyFips,
    bool Closed,
    CaseTransferState Transfer,
    bool RegisteredInError,
    IReadOnlyCollection<string> AccessionNumbers)
{
    /// <summary>Closed, transferred-out (pending or sent) and registered-in-error cases are not open.</summary>
    public bool IsOpen => !Closed && Transfer == CaseTransferState.None && !RegisteredInError;
}

/// <summary>How a result found its index cases.</summary>
public enum IndexCaseMatchKind
{
    /// <summary>Open cases in the county that already hold a lab result with the result's accession number.</summary>
    AccessionNumber = 1,

    /// <summary>All the person's open cases in the county.</summary>
    OpenInCounty = 2,

    /// <summary>The person has no open case in the county: create one.</summary>
    Create = 3,
}

/// <summary>The outcome of <see cref="IndexCaseMatcher.Match"/>: the cases to add the result to, in id order (empty for Create).</summary>
public sealed record IndexCaseMatch(IndexCaseMatchKind Kind, IReadOnlyList<long> IndexCaseIds);

/// <summary>
/// DESIGN.md section 4, index case rule: the person's open index cases in the result's county that already hold a
/// lab result with this accession number; else all the person's open cases in that county; else create one.
/// </summary>
public static class IndexCaseMatcher
{
    /// <param name="countyFips">The FIPS code of the county the result resolved to.</param>
    /// <param name="accessionNumber">The result's OBRACCESSIONNUM; blank skips the first rule.</param>
    /// <param name="personCases">The person's index cases in every county.</param>
    public static IndexCaseMatch Match(string countyFips, string? accessionNumber, IReadOnlyList<IndexCaseCandidate> personCases)
    {
        ArgumentNullException.ThrowIfNull(countyFips);
        ArgumentNullException.ThrowIfNull(personCases);

        var open = personCases
            .Where(c => c.IsOpen && string.Equals(c.CountyFips, countyFips, StringComparison.Ordinal))
            .OrderBy(c => c.IndexCaseId)
            .ToList();
        if (open.Count == 0)
        {
            return new IndexCaseMatch(IndexCaseMatchKind.Create, []);
        }

        var accession = LabResultMatcher.NormalizeAccession(accessionNumber);
        if (accession.Length > 0)
        {
            var holding = open
                .Where(c => c.AccessionNumbers.Any(a => string.Equals(LabResultMatcher.NormalizeAccession(a), accession, StringComparison.Ordinal)))
                .Select(c => c.IndexCaseId)
                .ToList();
            if (holding.Count > 0)
            {
                return new IndexCaseMatch(IndexCaseMatchKind.AccessionNumber, holding);
            }
        }

        return new IndexCaseMatch(IndexCaseMatchKind.OpenInCounty, [.. open.Select(c => c.IndexCaseId)]);
    }
}
