using Microsoft.Extensions.Logging;

namespace Viaduct.Engines.E5.Sync;

/// <summary>Every E5 log line: domains, ids, counts and error kinds only, never case values.</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Information, "Synced domain {Domain}: {Pages} page(s), {Cases} case(s), {Changed} local case(s) changed")]
    public static partial void Synced(ILogger logger, string domain, int pages, int cases, int changed);

    [LoggerMessage(5001, LogLevel.Warning, "Sync of domain {Domain} failed ({Failures} time(s) in a row), next try in {Pause}: {Reason}")]
    public static partial void DomainFailed(ILogger logger, string domain, int failures, TimeSpan pause, string reason);

    [LoggerMessage(5002, LogLevel.Debug, "Domain {Domain} is being synced by another host; skipped")]
    public static partial void DomainBusy(ILogger logger, string domain);

    [LoggerMessage(5003, LogLevel.Error, "{Loop} failed {Failures} time(s) in a row; pausing {Pause}")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string loop, int failures, TimeSpan pause);

    [LoggerMessage(5004, LogLevel.Information, "Created local case {IndexCaseId} (person {PersonId}) from case {CaseId} of domain {Domain}")]
    public static partial void Created(ILogger logger, long indexCaseId, long personId, string caseId, string domain);

    [LoggerMessage(5005, LogLevel.Debug, "Domain {Domain} had no changes")]
    public static partial void NothingChanged(ILogger logger, string domain);
}
