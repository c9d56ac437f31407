namespace Viaduct.Engines.E2.Transformer.Matching;

/// <summary>A lab result already stored under an index case.</summary>
public sealed record LabResultCandidate(long LabResultId, string? AccessionNumber);

/// <summary>
/// DESIGN.md section 4, lab result rule: per index case, merge into the lab result with the same accession number,
/// else create one. Accession numbers are compared trimmed and ordinally; a blank one matches a blank one, as the
/// lab result's external id (<c>P&lt;person&gt;#&lt;key&gt;#&lt;accession&gt;</c>) would.
/// </summary>
public static class LabResultMatcher
{
    /// <summary>The id of the index case's lab result with this accession number (the lowest if several); null to create one.</summary>
    public static long? Match(string? accessionNumber, IReadOnlyList<LabResultCandidate> caseLabResults)
    {
        ArgumentNullException.ThrowIfNull(caseLabResults);
        var accession = NormalizeAccession(accessionNumber);
        long? found = null;
        foreach (var candidate in caseLabResults)
        {
            if ((found is null || candidate.LabResultId < found)
                && string.Equals(NormalizeAccession(candidate.AccessionNumber), accession, StringComparison.Ordinal))
            {
                found = candidate.LabResultId;
            }
        }

        return found;
    }

    /// <summary>The accession number trimmed; empty when blank.</summary>
    public static string NormalizeAccession(string? accessionNumber) => accessionNumber?.Trim() ?? string.Empty;
}
