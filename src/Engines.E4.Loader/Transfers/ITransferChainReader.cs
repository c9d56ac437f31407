using Viaduct.Engines.E4.Loader.CommCare;

namespace Viaduct.Engines.E4.Loader.Transfers;

/// <summary>What the transfer chain walker reads from CommCare: two lookups in a domain.</summary>
public interface ITransferChainReader
{
    /// <summary>The case with this external id in the domain, or null.</summary>
    Task<RemoteCase?> GetByExternalIdAsync(string domain, string externalId, CancellationToken cancellationToken);

    /// <summary>The case in the domain whose <c>transfer_source_case_id</c> is <paramref name="sourceCaseId"/> (the case a transfer made there), or null.</summary>
    Task<RemoteCase?> FindBySourceCaseAsync(string domain, string sourceCaseId, CancellationToken cancellationToken);
}
