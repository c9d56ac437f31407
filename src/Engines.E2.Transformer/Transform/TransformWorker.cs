using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E2.Transformer.Transform;

/// <summary>E2's loop: transform batches while results are ready, then sleep until E1's notification or the poll interval.</summary>
public sealed class TransformWorker(
    ResultTransformer transformer,
    IOptions<E2Options> options,
    WakeSignal wake,
    TimeProvider time,
    ILogger<TransformWorker> logger) : BackgroundService
{
    private readonly E2Options _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _options.WorkerEnabled
            ? EngineLoop.RunAsync(
                async ct => await transformer.TransformBatchAsync(ct) > 0, _options.PollInterval, _options.MaxErrorBackoff, time,
                (ex, failures, pause) => Log.LoopFailed(logger, ex, failures, pause), stoppingToken, wake)
            : Task.CompletedTask;
}
