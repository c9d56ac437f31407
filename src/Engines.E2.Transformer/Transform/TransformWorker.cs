using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Engines.E2.Transformer.Transform;

/// <summary>
/// E2's loops (<see cref="E2Options.Workers"/> of them): transform batches while results are ready, then sleep until
/// E1's notification or the poll interval. A loop that claims a full batch wakes another, so a backlog is worked
/// on by all of them while one small file takes one. Each batch is its own transaction; the loops of one process
/// share the work exactly as replicas on other hosts do.
/// </summary>
public sealed class TransformWorker(
    ResultTransformer transformer,
    IOptions<E2Options> options,
    WakeSignal wake,
    EngineMetrics metrics,
    TimeProvider time,
    ILogger<TransformWorker> logger) : BackgroundService
{
    private readonly E2Options _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _options.WorkerEnabled
            ? Task.WhenAll(Enumerable.Range(0, _options.Workers).Select(_ => EngineLoop.RunAsync(
                TransformAsync, _options.PollInterval, _options.MaxErrorBackoff, time,
                (ex, failures, pause) =>
                {
                    metrics.RecordFailure(ex);
                    Log.LoopFailed(logger, ex, failures, pause);
                }, stoppingToken, wake)))
            : Task.CompletedTask;

    private async Task<bool> TransformAsync(CancellationToken cancellationToken)
    {
        var claimed = await transformer.TransformBatchAsync(cancellationToken);
        if (claimed >= _options.BatchSize)
        {
            wake.Set();
        }

        return claimed > 0;
    }
}
