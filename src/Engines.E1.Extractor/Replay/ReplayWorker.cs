using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Viaduct.Engines.E1.Extractor.Import;
using Viaduct.Shared.Data;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E1.Extractor.Replay;

/// <summary>
/// Imports the files an operator asked to replay (<c>viaduct replay-file</c>): woken by the command's notification,
/// and polling as a fallback. The import is the ordinary one; <see cref="FileImporter"/> sees the request on the
/// file's row, keeps the rows the file still holds, and clears the request when it finishes.
/// </summary>
public sealed class ReplayWorker(
    FileRegistry registry,
    FileImporter importer,
    IOptions<E1Options> options,
    [FromKeyedServices(Notifications.FilesReplay)] WakeSignal wake,
    TimeProvider time,
    ILogger<ReplayWorker> logger) : BackgroundService
{
    private const int BatchSize = 20;
    private readonly E1Options _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        EngineLoop.RunAsync(
            async ct => await ReplayOnceAsync(ct) > 0, _options.ReplayPollInterval, _options.MaxErrorBackoff, time,
            (ex, failures, pause) => Log.ReplayLoopFailed(logger, ex, failures, pause), stoppingToken, wake);

    /// <summary>Imports the files waiting for a replay. Returns how many it finished.</summary>
    public async Task<int> ReplayOnceAsync(CancellationToken cancellationToken)
    {
        var finished = 0;
        foreach (var fileId in await registry.ReplayRequestedAsync(BatchSize, cancellationToken))
        {
            try
            {
                var outcome = await importer.ImportAsync(fileId, cancellationToken);
                if (outcome.Status == ImportStatus.Busy)
                {
                    // Another replica (or this one's sweep) is importing it; whoever finishes clears the request.
                    continue;
                }

                Log.ReplayFinished(logger, fileId, outcome.Status);
                finished++;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // An operator asked for this and is waiting to see how it ends: the replay fails now, with the reason,
                // instead of being retried out of sight. The rows the file held stay; asking again retries.
                await importer.MarkFailedAsync(fileId, $"replay failed: {ex.GetType().Name}: {ex.Message}", cancellationToken);
                Log.ReplayFailed(logger, ex, fileId);
                finished++;
            }
        }

        return finished;
    }
}
