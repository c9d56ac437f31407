using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Viaduct.Engines.E1.Extractor.Import;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E1.Extractor.Events;

/// <summary>
/// Long-polls the queue for the bucket's ObjectCreated events and imports each named file. A message is
/// deleted only once every file it names is finished; otherwise SQS shows it again, and after the queue's
/// maxReceiveCount it moves to the dead-letter queue (its file marked failed with the reason first).
/// </summary>
public sealed class S3EventListener(
    IAmazonSQS sqs,
    FileRegistry registry,
    FileImporter importer,
    IOptions<E1Options> options,
    ILogger<S3EventListener> logger) : BackgroundService
{
    private readonly E1Options _options = options.Value;
    private string? _queueUrl;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _options.ListenerEnabled
            ? EngineLoop.RunAsync(
                async ct => await ReceiveOnceAsync(ct) >= 0, TimeSpan.Zero, _options.MaxErrorBackoff, TimeProvider.System,
                (ex, failures, pause) => Log.ListenerFailed(logger, ex, failures, pause), stoppingToken)
            : Task.CompletedTask;

    /// <summary>One long poll and the handling of what it brought. Returns the number of messages received.</summary>
    public async Task<int> ReceiveOnceAsync(CancellationToken cancellationToken)
    {
        var queueUrl = await QueueUrlAsync(cancellationToken);
        var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            MaxNumberOfMessages = _options.MaxMessages,
            WaitTimeSeconds = (int)_options.ReceiveWaitTime.TotalSeconds,
            VisibilityTimeout = (int)_options.VisibilityTimeout.TotalSeconds,
            MessageSystemAttributeNames = ["ApproximateReceiveCount"],
        }, cancellationToken);

        var messages = response.Messages ?? [];
        foreach (var message in messages)
        {
            await HandleAsync(queueUrl, message, cancellationToken);
        }

        return messages.Count;
    }

    private async Task HandleAsync(string queueUrl, Message message, CancellationToken cancellationToken)
    {
        IReadOnlyList<S3ObjectRef>? objects;
        try
        {
            objects = S3EventMessage.CreatedObjects(message.Body);
        }
        catch (FormatException ex)
        {
            // Kept, not deleted: it goes to the dead-letter queue where someone can look at it.
            Log.UnrecognisedMessage(logger, message.MessageId, ex.Message);
            return;
        }

        if (objects is null)
        {
            Log.TestEventIgnored(logger, message.MessageId);
            await DeleteAsync(queueUrl, message, cancellationToken);
            return;
        }

        var receiveCount = ReceiveCount(message);
        var finished = true;
        using var heartbeat = new VisibilityHeartbeat(sqs, queueUrl, message.ReceiptHandle, _options, logger);
        foreach (var file in objects)
        {
            if (!IsResultFile(file))
            {
                Log.ObjectIgnored(logger, file.Bucket, file.Key);
                continue;
            }

            finished &= await ImportAsync(file, receiveCount, cancellationToken);
        }

        await heartbeat.StopAsync();
        if (finished)
        {
            await DeleteAsync(queueUrl, message, cancellationToken);
        }
        else if (_options.RetryDelay < _options.VisibilityTimeout)
        {
            await sqs.ChangeMessageVisibilityAsync(queueUrl, message.ReceiptHandle, (int)_options.RetryDelay.TotalSeconds, cancellationToken);
        }
    }

    private async Task<bool> ImportAsync(S3ObjectRef file, int receiveCount, CancellationToken cancellationToken)
    {
        long fileId = 0;
        try
        {
            fileId = await registry.RegisterAsync(file, cancellationToken);
            var outcome = await importer.ImportAsync(fileId, cancellationToken);
            if (outcome.Status == ImportStatus.Busy)
            {
                Log.FileBusy(logger, fileId);
            }

            return outcome.IsFinal;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && fileId != 0)
        {
            var reason = $"{ex.GetType().Name}: {ex.Message}";
            if (receiveCount >= _options.MaxReceiveCount)
            {
                await importer.MarkFailedAsync(fileId, $"gave up after {receiveCount} attempts; last error: {reason}", cancellationToken);
                Log.FileGivenUp(logger, ex, fileId, receiveCount);
            }
            else
            {
                await importer.RecordErrorAsync(fileId, reason, cancellationToken);
                Log.ImportAttemptFailed(logger, ex, fileId, receiveCount);
            }

            return false;
        }
    }

    private bool IsResultFile(S3ObjectRef file) =>
        string.Equals(file.Bucket, _options.Bucket, StringComparison.Ordinal)
        && file.Key.StartsWith(_options.InboxPrefix, StringComparison.Ordinal)
        && file.Key.EndsWith(_options.FileSuffix, StringComparison.OrdinalIgnoreCase);

    private static int ReceiveCount(Message message) =>
        message.Attributes is { } attributes && attributes.TryGetValue("ApproximateReceiveCount", out var value)
            && int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var count)
            ? count
            : 1;

    private async Task DeleteAsync(string queueUrl, Message message, CancellationToken cancellationToken) =>
        await sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle, cancellationToken);

    private async Task<string> QueueUrlAsync(CancellationToken cancellationToken)
    {
        if (_queueUrl is not null)
        {
            return _queueUrl;
        }

        var queue = _options.Queue;
        _queueUrl = queue.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || queue.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            ? queue
            : (await sqs.GetQueueUrlAsync(queue, cancellationToken)).QueueUrl;
        return _queueUrl;
    }
}
