using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Jobs;

namespace Viaduct.Engines.E4.Loader.Posting;

/// <summary>
/// This host's Hangfire server: workers on the posting queue, with this host's own filters (retries, the failure
/// mark, the job context) and activator, so several hosts in one process never share Hangfire's global settings.
/// </summary>
public sealed class PostingServer(
    JobStorage storage,
    IServiceScopeFactory scopes,
    NpgsqlDataSource dataSource,
    EngineIdentity identity,
    IOptions<E4Options> options) : IHostedService, IDisposable
{
    private BackgroundJobServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.ServerEnabled)
        {
            return Task.CompletedTask;
        }

        var retry = new AutomaticRetryAttribute { Attempts = settings.RetryAttempts, LogEvents = true };
        if (settings.RetryDelays.Count > 0)
        {
            retry.DelaysInSeconds = [.. settings.RetryDelays.Select(d => (int)Math.Ceiling(d.TotalSeconds))];
        }

        var filters = new JobFilterCollection();
        filters.Add(retry);
        filters.Add(new StatisticsHistoryAttribute());
        filters.Add(new JobContext());
        filters.Add(new PostingFailureFilter(dataSource, identity));
        _server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                ServerName = identity.Host,
                WorkerCount = settings.WorkerCount,
                Queues = [ViaductHangfire.PostingQueue],
                SchedulePollingInterval = settings.SchedulePollingInterval,
                FilterProvider = new JobFilterProviderCollection(filters, new JobFilterAttributeFilterProvider()),
                Activator = new ServiceProviderJobActivator(scopes),
            },
            storage);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            _server.SendStop();
            try
            {
                await _server.WaitForShutdownAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stop was told not to wait: running jobs are abandoned and run again by another server
                // once their invisibility timeout passes.
            }
        }
    }

    public void Dispose() => _server?.Dispose();
}
