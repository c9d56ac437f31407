using Microsoft.Extensions.Logging;

namespace Viaduct.Engines.E2.Transformer;

/// <summary>
/// Every E2 log line. Ids, counts, outcomes and error kinds only: names, dates of birth and addresses are patient
/// data and never appear here (an error's message may quote a value, so only its type and SQL state are logged).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Information,
        "Transformed {Claimed} results in {ElapsedMs} ms: {Transformed} transformed, {NoNewInformation} no new information, {Ignored} ignored, {Failed} failed; {NewPeople} new people, {NewCases} new cases, {ChangedCases} changed cases, {NewLabResults} new lab results")]
    public static partial void BatchFinished(
        ILogger logger, int claimed, long elapsedMs, int transformed, int noNewInformation, int ignored, int failed,
        int newPeople, int newCases, int changedCases, int newLabResults);

    [LoggerMessage(2001, LogLevel.Warning, "Test result {TestResultId} failed: {ErrorKind}; recorded, the rest of the batch goes on")]
    public static partial void ResultFailed(ILogger logger, long testResultId, string errorKind);

    [LoggerMessage(2002, LogLevel.Warning, "A batch of {Claimed} results failed as a whole ({ErrorKind}); retrying its results one by one")]
    public static partial void BatchFallback(ILogger logger, int claimed, string errorKind);

    [LoggerMessage(2003, LogLevel.Error, "Transform loop failed {Failures} time(s) in a row; pausing {Pause}")]
    public static partial void LoopFailed(ILogger logger, Exception exception, int failures, TimeSpan pause);

    [LoggerMessage(2004, LogLevel.Information, "Counties loaded from {Path}: {Count} entries, {Participating} participating")]
    public static partial void CountiesLoaded(ILogger logger, string path, int count, int participating);
}
