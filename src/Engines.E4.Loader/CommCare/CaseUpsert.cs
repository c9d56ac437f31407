namespace Viaduct.Engines.E4.Loader.CommCare;

/// <summary>
/// One item of a bulk upsert (<c>POST /a/{domain}/api/case/v2/</c>) without <c>create</c>: CommCare updates the case
/// with this <see cref="ExternalId"/>, or creates one. Every value is sent as a string, as the API wants.
/// </summary>
/// <param name="CaseType">E.g. <c>patient</c> or <c>lab_result</c>.</param>
/// <param name="CaseName">The case's name (CommCare needs it, with the type and owner, when the upsert creates the case).</param>
/// <param name="OwnerId">The owner: a county's location id.</param>
/// <param name="ExternalId">The key of the upsert: never twice in one request.</param>
/// <param name="Properties">Case properties; names must be XML names.</param>
public sealed record CaseUpsert(
    string CaseType,
    string CaseName,
    string OwnerId,
    string ExternalId,
    IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>The <c>parent</c> index, if any (a lab result's patient case).</summary>
    public CaseIndex? Parent { get; init; }

    /// <summary>Close the case (one way: CommCare does not reopen).</summary>
    public bool Close { get; init; }

    /// <summary>An id other items of the same request may name in their index (<see cref="CaseIndex.ByTemporaryId"/>).</summary>
    public string? TemporaryId { get; init; }

    /// <summary>
    /// CommCare's id of the case, when known: the item updates exactly that case (and sets its external id), so a case
    /// made in CommCare without our external id is never upserted into a second one.
    /// </summary>
    public string? CaseId { get; init; }
}

/// <summary>
/// An index to another case, which it names by exactly one of <see cref="CaseId"/>, <see cref="ExternalId"/> (a case
/// of the same request first, then a stored one) or <see cref="TemporaryId"/> (an item of the same request).
/// </summary>
public sealed record CaseIndex
{
    /// <summary>The relationship of a lab result to its patient case.</summary>
    public const string Extension = "extension";

    private CaseIndex(string caseType, string relationship, string? caseId, string? externalId, string? temporaryId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(caseType);
        ArgumentException.ThrowIfNullOrWhiteSpace(relationship);
        (CaseType, Relationship, CaseId, ExternalId, TemporaryId) = (caseType, relationship, caseId, externalId, temporaryId);
    }

    /// <summary>The parent's case type.</summary>
    public string CaseType { get; }

    /// <summary><c>extension</c> or <c>child</c>.</summary>
    public string Relationship { get; }

    public string? CaseId { get; }

    public string? ExternalId { get; }

    public string? TemporaryId { get; }

    public static CaseIndex ByCaseId(string caseId, string caseType, string relationship = Extension)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(caseId);
        return new(caseType, relationship, caseId, null, null);
    }

    public static CaseIndex ByExternalId(string externalId, string caseType, string relationship = Extension)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(externalId);
        return new(caseType, relationship, null, externalId, null);
    }

    public static CaseIndex ByTemporaryId(string temporaryId, string caseType, string relationship = Extension)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(temporaryId);
        return new(caseType, relationship, null, null, temporaryId);
    }
}
