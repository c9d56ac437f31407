using Microsoft.Extensions.Logging;

namespace Viaduct.Engines.E1.Extractor;

/// <summary>
/// Every E1 log line. Only ids, keys, counts and reasons: row content is patient data and never appears here.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Importing file {FileId} from s3://{Bucket}/{Key}")]
    public static partial void ImportStarted(ILogger logger, long fileId, string bucket, string key);

    [LoggerMessage(1001, LogLevel.Information, "Imported file {FileId}: {Rows} rows, {New} new, {Duplicate} duplicate, {Bad} bad")]
    public static partial void ImportFinished(ILogger logger, long fileId, int rows, int @new, int duplicate, int bad);

    [LoggerMessage(1002, LogLevel.Information, "File {FileId} has the same content as file {OriginalFileId}; recorded as a duplicate delivery")]
    public static partial void DuplicateFile(ILogger logger, long fileId, long originalFileId);

    [LoggerMessage(1003, LogLevel.Warning, "File {FileId} rejected: {Reason}")]
    public static partial void FileRejected(ILogger logger, long fileId, string reason);

    [LoggerMessage(1004, LogLevel.Debug, "File {FileId} is being imported by another replica; its message will be seen again")]
    public static partial void FileBusy(ILogger logger, long fileId);

    [LoggerMessage(1005, LogLevel.Warning, "Import attempt {Attempt} of file {FileId} failed; it will be retried")]
    public static partial void ImportAttemptFailed(ILogger logger, Exception exception, long fileId, int attempt);

    [LoggerMessage(1006, LogLevel.Error, "Gave up on file {FileId} after {Attempts} attempts; marked failed, its message goes to the dead-letter queue")]
    public static partial void FileGivenUp(ILogger logger, Exception exception, long fileId, int attempts);

    [LoggerMessage(1100, LogLevel.Information, "Ignored S3 test event {MessageId}")]
    public static partial void TestEventIgnored(ILogger logger, string messageId);

    [LoggerMessage(1101, LogLevel.Warning, "Message {MessageId} is not an S3 event ({Reason}); left for the dead-letter queue")]
    public static partial void UnrecognisedMessage(ILogger logger, string messageId, string reason);

    [LoggerMessage(1102, LogLevel.Debug, "Ignored s3://{Bucket}/{Key}: not a result file of the configured inbox")]
    public static partial void ObjectIgnored(ILogger logger, string bucket, string key);

    [LoggerMessage(1103, LogLevel.Error, "SQS listener failed {Failures} time(s) in a row; pausing {Pause}")]
    public static partial void ListenerFailed(ILogger logger, Exception exception, int failures, TimeSpan pause);

    [LoggerMessage(1104, LogLevel.Warning, "Could not extend a message's visibility")]
    public static partial void VisibilityExtensionFailed(ILogger logger, Exception exception);

    [LoggerMessage(1300, LogLevel.Debug, "Folded the sightings of {Files} file(s) into {Rows} abouts rows; dropped {Discarded} sighting(s) of failed or duplicate files")]
    public static partial void Compacted(ILogger logger, long files, long rows, long discarded);

    [LoggerMessage(1302, LogLevel.Debug, "Vacuumed abouts after file {FileId} added {NewRows} rows, in {Elapsed}")]
    public static partial void DedupMemoryVacuumed(ILogger logger, long fileId, int newRows, TimeSpan elapsed);

    [LoggerMessage(1303, LogLevel.Warning, "Vacuuming abouts after file {FileId} failed; the next export's lookups read more pages until it runs")]
    public static partial void DedupMemoryVacuumFailed(ILogger logger, Exception exception, long fileId);

    [LoggerMessage(1301, LogLevel.Error, "Last-seen compaction failed {Failures} time(s) in a row; pausing {Pause}")]
    public static partial void CompactionFailed(ILogger logger, Exception exception, int failures, TimeSpan pause);

    [LoggerMessage(1200, LogLevel.Warning, "Sweep found object of file {FileId} that no event announced")]
    public static partial void SweepFoundObject(ILogger logger, long fileId);

    [LoggerMessage(1201, LogLevel.Warning, "Sweep picked up unfinished file {FileId}")]
    public static partial void SweepRescuedFile(ILogger logger, long fileId);

    [LoggerMessage(1202, LogLevel.Error, "Inbox sweep failed {Failures} time(s) in a row; pausing {Pause}")]
    public static partial void SweepFailed(ILogger logger, Exception exception, int failures, TimeSpan pause);
}
