namespace Viaduct.Shared.Data.Operations;

/// <summary>Everything the operator page and <c>viaduct status</c> show, read at <see cref="ReadAt"/>.</summary>
public sealed record SystemStatus(
    DateTime ReadAt,
    IReadOnlyList<EngineStatus> Engines,
    IReadOnlyList<FileStatus> LatestFiles,
    IReadOnlyList<ParkedCase> ParkedCases,
    long ParkedCaseCount);

/// <summary>
/// One engine: its backlog and lag (from the data), and from the hosts that reported within the live window their
/// number, summed throughput and totals, and the latest error any of its hosts (live or not) reported.
/// </summary>
public sealed record EngineStatus(
    string Engine,
    long Backlog,
    double? LagSeconds,
    int LiveHosts,
    double ItemsPerMinute,
    long ItemsProcessed,
    long Failures,
    DateTime? LastSeenAt,
    string? LastError,
    DateTime? LastErrorAt);

/// <summary>One received file: where it stands and what it held.</summary>
public sealed record FileStatus(
    long Id,
    string ObjectKey,
    string State,
    int Rows,
    int New,
    int Duplicate,
    int Bad,
    DateTime ReceivedAt,
    DateTime? FinishedAt,
    long? DuplicateOfFileId,
    string? Error);

/// <summary>An index case E4 gave up on (<c>parked</c>) or that keeps failing (<c>failed</c>), with why.</summary>
public sealed record ParkedCase(
    long IndexCaseId,
    string ExternalId,
    string CountyFips,
    string PostState,
    string? Reason,
    DateTime ChangedAt);
