using Amazon.SQS;
using Microsoft.Extensions.Logging;

namespace Viaduct.Engines.E1.Extractor.Events;

/// <summary>
/// Keeps a message hidden while its file is imported, so a long file is not handed to a second replica
/// halfway through (that replica would only wait on the row lock, but it would waste a receive).
/// </summary>
internal sealed class VisibilityHeartbeat : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public VisibilityHeartbeat(IAmazonSQS sqs, string queueUrl, string receiptHandle, E1Options options, ILogger logger)
    {
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(options.VisibilityHeartbeat);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    try
                    {
                        await sqs.ChangeMessageVisibilityAsync(queueUrl, receiptHandle, (int)options.VisibilityTimeout.TotalSeconds, _stop.Token);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        Log.VisibilityExtensionFailed(logger, ex);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
