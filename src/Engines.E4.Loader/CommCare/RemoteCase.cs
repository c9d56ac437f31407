namespace Viaduct.Engines.E4.Loader.CommCare;

/// <summary>A case as CommCare's Case API v2 serialises it. Times are UTC; values CommCare may leave out are nullable.</summary>
public sealed record RemoteCase(
    string Domain,
    string CaseId,
    string CaseType,
    string? CaseName,
    string? ExternalId,
    string? OwnerId,
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyDictionary<string, RemoteIndex> Indices,
    bool Closed,
    DateTimeOffset? DateOpened,
    DateTimeOffset? LastModified,
    DateTimeOffset? ServerLastModified,
    DateTimeOffset? IndexedOn,
    DateTimeOffset? DateClosed)
{
    /// <summary>A property's value, or null when the case does not have it (or has it blank).</summary>
    public string? Property(string name) =>
        Properties.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}

/// <summary>An index of a stored case: the case it points to, that case's type, and the relationship.</summary>
public sealed record RemoteIndex(string CaseId, string? CaseType, string? Relationship);

/// <summary>A bulk upsert's answer: the form CommCare recorded and the cases, one per item in the order posted.</summary>
public sealed record UpsertResult(string XFormId, IReadOnlyList<RemoteCase> Cases);

/// <summary>One page of the cases list: how many matched from this page on, the cases (oldest change first), and the next page's URL.</summary>
public sealed record CaseListPage(long MatchingRecords, IReadOnlyList<RemoteCase> Cases, Uri? Next);
