namespace Viaduct.CommCare.Api;

/// <summary>What one item of an upsert request asks for.</summary>
internal enum CaseChangeKind
{
    /// <summary><c>"create": true</c>, or a single-object POST: always a new case.</summary>
    Create,

    /// <summary><c>"create": false</c>, or an item naming a <c>case_id</c>: an existing case, by case_id or external_id.</summary>
    Update,

    /// <summary>No <c>create</c>, an <c>external_id</c> and no <c>case_id</c>: update the case with that external id, else create one.</summary>
    Upsert,
}

/// <summary>One validated item of an upsert request. Strings are as posted; absent fields are null.</summary>
internal sealed class CaseChange
{
    public required int Row { get; init; }

    public required CaseChangeKind Kind { get; init; }

    public string? CaseId { get; init; }

    public string? TemporaryId { get; init; }

    public string? ExternalId { get; init; }

    public string? CaseType { get; init; }

    public string? CaseName { get; init; }

    public string? OwnerId { get; init; }

    public bool Close { get; init; }

    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, IndexChange> Indices { get; init; } = new Dictionary<string, IndexChange>();
}

/// <summary>
/// An index as posted: the target named by exactly one of case_id, external_id or temporary_id, or by none (which
/// removes the index).
/// </summary>
internal sealed record IndexChange(string? CaseId, string? ExternalId, string? TemporaryId, string? CaseType, string? Relationship)
{
    public bool RemovesIndex => CaseId is null && ExternalId is null && TemporaryId is null;
}
