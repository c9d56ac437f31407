using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Viaduct.Engines.E1.Extractor.Import;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E1.Extractor.Sweep;

/// <summary>
/// The safety net under the notifications: lists the inbox for objects that have no files row (their event
/// was lost) and picks up files that were registered but never finished (their replica died). Either way
/// the import itself is the same, and its row lock keeps a file to one replica.
/// </summary>
public sealed class InboxSweeper(
    IAmazonS3 s3,
    FileRegistry registry,
    FileImporter importer,
    IOptions<E1Options> options,
    TimeProvider time,
    ILogger<InboxSweeper> logger) : BackgroundService
{
    private const int PageSize = 1000;
    private readonly E1Options _options = options.Value;

    // One sweep per interval: a sweep goes through the whole inbox, there is no "more" to drain.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _options.SweepEnabled
            ? EngineLoop.RunAsync(
                async ct => { await SweepOnceAsync(ct); return false; }, _options.SweepInterval, _options.MaxErrorBackoff, time,
                (ex, failures, pause) => Log.SweepFailed(logger, ex, failures, pause), stoppingToken)
            : Task.CompletedTask;

    /// <summary>One sweep. Returns how many files it imported.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var imported = 0;
        var cutoff = time.GetUtcNow() - _options.SweepGracePeriod;
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _options.InboxPrefix, MaxKeys = PageSize };
        do
        {
            var page = await s3.ListObjectsV2Async(request, cancellationToken);
            var candidates = (page.S3Objects ?? [])
                .Where(o => o.Key.EndsWith(_options.FileSuffix, StringComparison.OrdinalIgnoreCase)
                    && (o.LastModified is not { } modified || modified.ToUniversalTime() <= cutoff.UtcDateTime))
                .Select(o => new S3ObjectRef(_options.Bucket, o.Key, S3ObjectRef.NormalizeETag(o.ETag), o.Size))
                .ToList();
            foreach (var missed in await registry.UnknownAsync(candidates, cancellationToken))
            {
                var fileId = await registry.RegisterAsync(missed, cancellationToken);
                Log.SweepFoundObject(logger, fileId);
                imported += await ImportAsync(fileId, cancellationToken);
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (request.ContinuationToken is not null);

        IReadOnlyList<long> abandoned;
        do
        {
            abandoned = await registry.AbandonedAsync(_options.SweepGracePeriod, PageSize, cancellationToken);
            var progress = 0;
            foreach (var fileId in abandoned)
            {
                Log.SweepRescuedFile(logger, fileId);
                progress += await ImportAsync(fileId, cancellationToken);
            }

            imported += progress;
            if (progress == 0)
            {
                break;
            }
        }
        while (abandoned.Count == PageSize);

        return imported;
    }

    private async Task<int> ImportAsync(long fileId, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await importer.ImportAsync(fileId, cancellationToken);
            return outcome.Status is ImportStatus.Processed or ImportStatus.Duplicate or ImportStatus.Failed ? 1 : 0;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // One bad object must not stop the sweep; the error stays on the file for the next sweep or event.
            await importer.RecordErrorAsync(fileId, $"{ex.GetType().Name}: {ex.Message}", cancellationToken);
            Log.ImportAttemptFailed(logger, ex, fileId, 0);
            return 0;
        }
    }
}
