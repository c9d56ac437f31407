using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Viaduct.Shared.Data.Hosting;

/// <summary>
/// Correlation ids on log events: every event written inside a batch scope carries <c>BatchId</c> (beside the
/// host-wide <c>Engine</c> and <c>Host</c>), so one batch's lines can be found across replicas and tied to its rows.
/// </summary>
public static class LogScopes
{
    /// <summary>Starts a batch scope with a new random id (for batches that have no id of their own).</summary>
    public static IDisposable? BeginBatch(this ILogger logger) => logger.BeginBatch(NewBatchId());

    /// <summary>Starts a batch scope: <paramref name="batchId"/> names what the batch is ("file-12", "job-345", a random id).</summary>
    public static IDisposable? BeginBatch(this ILogger logger, string batchId)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new Dictionary<string, object> { ["BatchId"] = batchId });
    }

    /// <summary>A short random id, unique enough to tell one engine's batches apart in a day of logs.</summary>
    public static string NewBatchId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
