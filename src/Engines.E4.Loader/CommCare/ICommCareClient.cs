namespace Viaduct.Engines.E4.Loader.CommCare;

/// <summary>
/// CommCare HQ's Case API v2 (the subset Viaduct uses). Every failure left after the client's own retries is a
/// <see cref="CommCareException"/> that says whether it is transient; cancellation is an <see cref="OperationCanceledException"/>.
/// </summary>
public interface ICommCareClient
{
    /// <summary>
    /// Upserts up to <see cref="CommCareClient.MaxCasesPerRequest"/> cases by external id in one request (one form).
    /// Refuses, without sending, an empty list, more items than that, or one external id (or temporary id) twice:
    /// CommCare would create a duplicate case.
    /// </summary>
    /// <exception cref="ArgumentException">The list breaks one of those rules.</exception>
    Task<UpsertResult> UpsertAsync(string domain, IReadOnlyList<CaseUpsert> cases, CancellationToken cancellationToken = default);

    /// <summary>The case with this id, or null when the domain has none (404).</summary>
    Task<RemoteCase?> GetByIdAsync(string domain, string caseId, CancellationToken cancellationToken = default);

    /// <summary>The case with this external id, or null when the domain has none (404). Of several, CommCare answers one.</summary>
    Task<RemoteCase?> GetByExternalIdAsync(string domain, string externalId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cases of a type changed at or after <paramref name="since"/>, oldest change first, page by page, following each
    /// page's <c>next</c> URL as given. A case changed during the pull may come again on a later page.
    /// </summary>
    /// <param name="pageSize">Cases per page (<c>limit</c>); null = the server's default.</param>
    IAsyncEnumerable<CaseListPage> ListChangedAsync(
        string domain, string caseType, DateTimeOffset since, int? pageSize = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cases matching CommCare's list filters, page by page, e.g. <c>("case_type", "patient")</c>,
    /// <c>("properties.transfer_source_case_id", id)</c>, <c>("limit", "10")</c>; a name may repeat ("any of").
    /// </summary>
    IAsyncEnumerable<CaseListPage> ListAsync(
        string domain, IEnumerable<KeyValuePair<string, string>> filters, CancellationToken cancellationToken = default);
}
