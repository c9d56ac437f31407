using Viaduct.Engines.E4.Loader.CommCare;

namespace Viaduct.Engines.E4.Loader.Transfers;

/// <summary>
/// The walker's lookups over the Case API v2. A case by external id is <c>GET .../ext/{external_id}/</c>. The case a
/// transfer made is found with the list's property filter,
/// <c>GET .../?case_type={caseType}&amp;properties.transfer_source_case_id={id}&amp;limit=10</c> (CommCare HQ's list
/// filters by case property, and so does the local server): of the cases found, the first open one, else the first
/// (oldest change first). Both are reads: safe to repeat.
/// </summary>
/// <param name="caseType">The type of the cases walked (patient cases carry the transfer properties).</param>
public sealed class CommCareTransferChainReader(ICommCareClient client, string caseType = "patient") : ITransferChainReader
{
    private const int Candidates = 10;

    public Task<RemoteCase?> GetByExternalIdAsync(string domain, string externalId, CancellationToken cancellationToken) =>
        client.GetByExternalIdAsync(domain, externalId, cancellationToken);

    public async Task<RemoteCase?> FindBySourceCaseAsync(string domain, string sourceCaseId, CancellationToken cancellationToken)
    {
        KeyValuePair<string, string>[] filters =
        [
            new("case_type", caseType),
            new("properties." + TransferChain.SourceCaseProperty, sourceCaseId),
            new("limit", Candidates.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        await foreach (var page in client.ListAsync(domain, filters, cancellationToken))
        {
            // Several cases made from one source case would be a data problem of CommCare's; the first page decides.
            return page.Cases.FirstOrDefault(c => !c.Closed) ?? (page.Cases.Count > 0 ? page.Cases[0] : null);
        }

        return null;
    }
}
