using Viaduct.Engines.E4.Loader.CommCare;

namespace Viaduct.Engines.E4.Loader.Transfers;

/// <summary>Why the walk along a transfer chain ended.</summary>
public enum TransferStop
{
    /// <summary>The chain ended normally: the last case was not transferred (or names its own county), or no case exists yet.</summary>
    None,

    /// <summary>A transfer led back to a case already walked.</summary>
    Cycle,

    /// <summary>A transfer names a county that is not known, or its destination domain holds no case for it.</summary>
    BrokenLink,

    /// <summary>The chain goes on after the most transfers allowed.</summary>
    TooLong,
}

/// <summary>One case walked: its domain and CommCare case id.</summary>
public sealed record TransferHop(string Domain, string CaseId);

/// <summary>
/// Where a transfer chain leads.
/// </summary>
/// <param name="Domain">Where the walk ended: the domain of <paramref name="Case"/>, or the start domain when no case exists there yet.</param>
/// <param name="Case">The last case reached; null when the start domain has no case with the external id (nothing to follow: post to the start domain).</param>
/// <param name="Hops">Every case walked in order, the start domain's case first; empty when there was none.</param>
/// <param name="Stop">Why the walk ended; anything but <see cref="TransferStop.None"/> means the chain could not be followed to its end.</param>
/// <param name="Explanation">What happened, in words for an operator: domains, case ids and county ids, never patient data.</param>
public sealed record TransferChainResult(string Domain, RemoteCase? Case, IReadOnlyList<TransferHop> Hops, TransferStop Stop, string Explanation)
{
    /// <summary>Transfers followed (hops after the first case).</summary>
    public int Transfers => Math.Max(0, Hops.Count - 1);

    /// <summary>The chain was followed to its end (possibly of length zero).</summary>
    public bool Complete => Stop == TransferStop.None;
}

/// <summary>
/// Follows a case's transfers across counties (DESIGN.md section 5): a case whose property
/// <c>transfer_destination_county_id</c> names another county was moved there, and the destination case carries
/// <c>transfer_source_case_id</c>. Chains can be long, broken or circular: the walk detects a cycle, stops, and says why.
/// Pure logic over an <see cref="ITransferChainReader"/> and a county lookup: it touches neither HTTP nor the database.
/// </summary>
public static class TransferChain
{
    public const string DestinationCountyProperty = "transfer_destination_county_id";
    public const string SourceCaseProperty = "transfer_source_case_id";

    /// <summary>
    /// Starts at the case with <paramref name="externalId"/> in <paramref name="startDomain"/> and, while the current case
    /// names another county as its transfer destination, moves to that county's domain: to the case whose
    /// <c>transfer_source_case_id</c> is the current case's id, else to the case with the same external id (a person's
    /// cases share it in every county).
    /// </summary>
    /// <param name="domainOfCounty">
    /// The CommCare domain of a county as <c>transfer_destination_county_id</c> names it (the FIPS code of the
    /// <c>counties</c> table, e.g. "36001"), or null when no county has that id.
    /// </param>
    /// <param name="maxHops">The most transfers followed; a case transferred again after that many ends the walk as <see cref="TransferStop.TooLong"/>.</param>
    public static async Task<TransferChainResult> ResolveAsync(
        string startDomain,
        string externalId,
        ITransferChainReader reader,
        Func<string, string?> domainOfCounty,
        int maxHops,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(startDomain);
        ArgumentException.ThrowIfNullOrWhiteSpace(externalId);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(domainOfCounty);
        ArgumentOutOfRangeException.ThrowIfNegative(maxHops);

        var current = await reader.GetByExternalIdAsync(startDomain, externalId, cancellationToken);
        if (current is null)
        {
            return new(startDomain, null, [], TransferStop.None, $"No case with this external id in {startDomain} yet: nothing to follow");
        }

        var domain = startDomain;
        var hops = new List<TransferHop> { new(domain, current.CaseId) };
        var visited = new HashSet<TransferHop> { hops[0] };
        TransferChainResult End(TransferStop stop, string explanation) => new(domain, current, hops, stop, explanation);

        while (true)
        {
            var here = $"case {current.CaseId} in {domain}";
            if (current.Property(DestinationCountyProperty) is not { } county)
            {
                return End(TransferStop.None, hops.Count == 1
                    ? $"The {here} was not transferred"
                    : $"Followed {hops.Count - 1} transfer(s) from {startDomain} to the {here}, which was not transferred further");
            }

            county = county.Trim();
            var shownCounty = county.Length <= 16 ? county : county[..16] + "…";
            var destination = domainOfCounty(county);
            if (destination is null)
            {
                return End(TransferStop.BrokenLink, $"The {here} was transferred to county '{shownCounty}', which is not a known county");
            }

            if (string.Equals(destination, domain, StringComparison.Ordinal))
            {
                return End(TransferStop.None, $"The {here} names its own county {shownCounty} as its transfer destination: taken as not transferred");
            }

            if (hops.Count - 1 >= maxHops)
            {
                return End(TransferStop.TooLong, $"The {here} was transferred again (to {destination}) after {maxHops} transfer(s), the most followed");
            }

            var next = await reader.FindBySourceCaseAsync(destination, current.CaseId, cancellationToken)
                ?? await reader.GetByExternalIdAsync(destination, externalId, cancellationToken);
            if (next is null)
            {
                return End(TransferStop.BrokenLink,
                    $"The {here} was transferred to county {shownCounty} ({destination}), but no case there carries {SourceCaseProperty} {current.CaseId} or the same external id");
            }

            var hop = new TransferHop(destination, next.CaseId);
            if (!visited.Add(hop))
            {
                return End(TransferStop.Cycle,
                    $"The {here} was transferred to county {shownCounty} ({destination}), whose case {next.CaseId} was walked before: the chain is circular ({Path(hops, hop)})");
            }

            hops.Add(hop);
            (domain, current) = (destination, next);
        }
    }

    private static string Path(IEnumerable<TransferHop> hops, TransferHop last) =>
        string.Join(" -> ", hops.Append(last).Select(h => $"{h.Domain}/{h.CaseId}"));
}
