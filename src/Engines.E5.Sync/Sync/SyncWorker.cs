using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Engines.E5.Sync.Sync;

/// <summary>
/// E5's loops: <see cref="E5Options.Workers"/> loops each pull due domains one after another until none is due, then
/// sleep for <see cref="E5Options.ClaimInterval"/>; a failing domain is put off on its own cursor row and does not stop a loop.
/// </summary>
public sealed class SyncWorker(
    DomainSyncer syncer,
    IOptions<E5Options> options,
    EngineMetrics metrics,
    TimeProvider time,
    ILogger<SyncWorker> logger) : BackgroundService
{
    private readonly E5Options _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.WorkerEnabled)
        {
            return Task.CompletedTask;
        }

        return Task.WhenAll(Enumerable.Range(0, _options.Workers).Select(worker => EngineLoop.RunAsync(
            async ct =>
            {
                var (outcome, _) = await syncer.SyncNextAsync(ct);
                if (outcome == DomainSyncer.Outcome.NothingDue && worker == 0)
                {
                    // New participating counties get a cursor row; cheap, and only when there is nothing else to do.
                    await syncer.AddDomainsAsync(ct);
                }

                return outcome != DomainSyncer.Outcome.NothingDue;
            },
            _options.ClaimInterval, _options.MaxErrorBackoff, time,
            (ex, failures, pause) =>
            {
                metrics.RecordFailure(ex);
                Log.LoopFailed(logger, ex, "Sync loop", failures, pause);
            }, stoppingToken)));
    }
}
