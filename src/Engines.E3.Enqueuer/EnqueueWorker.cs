using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Engines.E3.Enqueuer;

/// <summary>E3's loops: enqueue while cases are ready, then sleep until E2's notification or the poll interval; and the rescue of stale claims.</summary>
public sealed class EnqueueWorker(
    CaseEnqueuer enqueuer,
    IOptions<E3Options> options,
    WakeSignal wake,
    EngineMetrics metrics,
    TimeProvider time,
    ILogger<EnqueueWorker> logger) : BackgroundService
{
    private readonly E3Options _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _options.WorkerEnabled
            ? Task.WhenAll(
                EngineLoop.RunAsync(
                    async ct => await enqueuer.EnqueueBatchAsync(ct) > 0, _options.PollInterval, _options.MaxErrorBackoff, time,
                    (ex, failures, pause) =>
                    {
                        metrics.RecordFailure(ex);
                        Log.LoopFailed(logger, ex, "Enqueue loop", failures, pause);
                    }, stoppingToken, wake),
                EngineLoop.RunAsync(
                    async ct =>
                    {
                        await enqueuer.RescueStaleAsync(ct);
                        return false;
                    },
                    _options.RescueInterval, _options.MaxErrorBackoff, time,
                    (ex, failures, pause) => Log.LoopFailed(logger, ex, "Rescue loop", failures, pause), stoppingToken))
            : Task.CompletedTask;
}
