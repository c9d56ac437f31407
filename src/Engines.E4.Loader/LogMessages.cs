using Microsoft.Extensions.Logging;

namespace Viaduct.Engines.E4.Loader;

/// <summary>Every E4 log line: ids, domains, counts and status codes. Response bodies may quote patient data and are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Information,
        "Job {JobId} for {Domain} with {Cases} cases: {Posted} posted, {Parked} parked, {Discarded} discarded, {Failed} failed for now")]
    public static partial void JobFinished(ILogger logger, string jobId, string domain, int cases, int posted, int parked, int discarded, int failed);

    [LoggerMessage(4001, LogLevel.Warning, "Job {JobId}: a request with {Cases} cases to {Domain} failed (status {Status}); the job will be retried")]
    public static partial void RequestFailed(ILogger logger, string jobId, string domain, int cases, int? status);

    [LoggerMessage(4002, LogLevel.Warning, "Job {JobId}: case {IndexCaseId} refused by {Domain} (status {Status}); parked until re-enqueued")]
    public static partial void CaseParked(ILogger logger, long indexCaseId, string jobId, string domain, int? status);
}
