namespace Viaduct.Engines.E5.Sync.CommCare;

/// <summary>A case as CommCare's changes list gives it: the parts E5 reads.</summary>
public sealed record RemoteCase(
    string CaseId,
    string CaseType,
    string? ExternalId,
    bool Closed,
    DateTimeOffset ServerLastModified,
    IReadOnlyDictionary<string, string> Properties,
    string? ParentCaseId);

/// <summary>One page of the changes list; <see cref="Next"/> is null on the last.</summary>
public sealed record RemoteCasePage(IReadOnlyList<RemoteCase> Cases, Uri? Next);
