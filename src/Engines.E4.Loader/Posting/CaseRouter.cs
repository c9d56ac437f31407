using Microsoft.Extensions.Options;
using Npgsql;
using Viaduct.Engines.E4.Loader.CommCare;
using Viaduct.Engines.E4.Loader.Transfers;

namespace Viaduct.Engines.E4.Loader.Posting;

/// <summary>Where a case is posted: its domain and owner, whether that is another county's (a transfer), and why; or why it is parked.</summary>
public sealed record CaseRoute(CaseToPost Case, string Domain, string LocationId, bool Rerouted, string? Explanation, string? ParkReason);

/// <summary>
/// Finds where each case goes. A case never posted goes to its county (nothing in CommCare can have moved it yet),
/// unless another case of the person in that county was transferred out (E5 records transfers seen in CommCare):
/// the patient's case there, with the same external id, is the transferred one. For those and for a case posted
/// before, the transfer chain from the domain it was last posted to is followed, and the case goes to the chain's end. A chain broken on the way ends where it breaks; a
/// circular or overlong chain parks the case for an operator, with the chain in the reason.
/// </summary>
public sealed class CaseRouter(ICommCareClient commCare, IOptions<E4Options> options)
{
    public async Task<IReadOnlyList<CaseRoute>> RouteAsync(NpgsqlConnection connection, IReadOnlyList<CaseToPost> cases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        if (cases.Count == 0)
        {
            return [];
        }

        var counties = await PostingStore.CountiesAsync(connection, cancellationToken);
        var domainOfCounty = counties.ToDictionary(c => c.Fips, c => c.Domain, StringComparer.Ordinal);
        var ownerOfDomain = counties.GroupBy(c => c.Domain, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().LocationId, StringComparer.Ordinal);
        var reader = new CommCareTransferChainReader(commCare);
        var routes = new List<CaseRoute>(cases.Count);
        foreach (var indexCase in cases)
        {
            if (indexCase.CaseId is null && !indexCase.SiblingTransferred)
            {
                routes.Add(new CaseRoute(indexCase, indexCase.Domain, indexCase.LocationId, false, null, null));
                continue;
            }

            var chain = await TransferChain.ResolveAsync(
                indexCase.PostedDomain ?? indexCase.Domain, indexCase.ExternalId, reader, domainOfCounty.GetValueOrDefault,
                options.Value.MaxTransferHops, cancellationToken);
            if (chain.Stop is TransferStop.Cycle or TransferStop.TooLong)
            {
                routes.Add(new CaseRoute(indexCase, chain.Domain, indexCase.LocationId, false, chain.Explanation, chain.Explanation));
                continue;
            }

            var rerouted = !string.Equals(chain.Domain, indexCase.Domain, StringComparison.Ordinal);
            routes.Add(new CaseRoute(
                indexCase, chain.Domain, ownerOfDomain.GetValueOrDefault(chain.Domain, indexCase.LocationId), rerouted,
                rerouted || chain.Stop != TransferStop.None ? chain.Explanation : null, null));
        }

        return routes;
    }
}
