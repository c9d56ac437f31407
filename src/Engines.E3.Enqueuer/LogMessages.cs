using Microsoft.Extensions.Logging;

namespace Viaduct.Engines.E3.Enqueuer;

/// <summary>Every E3 log line: ids and counts only.</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "Enqueued {Cases} changed cases in {Jobs} posting jobs")]
    public static partial void Enqueued(ILogger logger, int cases, int jobs);

    [LoggerMessage(3001, LogLevel.Warning, "Made {Cases} cases ready again: they were claimed but their job was never recorded")]
    public static partial void Rescued(ILogger logger, int cases);

    [LoggerMessage(3002, LogLevel.Error, "{Loop} failed {Failures} time(s) in a row; pausing {Pause}")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string loop, int failures, TimeSpan pause);
}
