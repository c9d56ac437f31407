using Microsoft.Extensions.Logging;
using Viaduct.Engines.E1.Extractor.Import;

namespace Viaduct.Engines.E1.Extractor;

/// <summary>E1's log lines about replays: ids, counts and reasons only.</summary>
internal static partial class Log
{
    [LoggerMessage(1400, LogLevel.Information, "Replaying file {FileId}: it holds {Present} rows; only missing ones are stored again")]
    public static partial void ReplayStarted(ILogger logger, long fileId, int present);

    [LoggerMessage(1401, LogLevel.Information, "Replay of file {FileId} finished: {Status}")]
    public static partial void ReplayFinished(ILogger logger, long fileId, ImportStatus status);

    [LoggerMessage(1402, LogLevel.Warning, "Replay of file {FileId} failed; the file is marked failed with the reason")]
    public static partial void ReplayFailed(ILogger logger, Exception exception, long fileId);

    [LoggerMessage(1403, LogLevel.Error, "Replay worker failed {Failures} time(s) in a row; pausing {Pause}")]
    public static partial void ReplayLoopFailed(ILogger logger, Exception exception, int failures, TimeSpan pause);
}
