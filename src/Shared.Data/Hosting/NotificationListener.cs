using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Viaduct.Shared.Data.Hosting;

/// <summary>
/// Holds one connection that LISTENs on a channel and sets a <see cref="WakeSignal"/> for each notification, so
/// an engine starts on new rows at once instead of at its next poll. Notifications are only a hint: after every
/// (re)connect the signal is set too, because anything sent while the connection was down is gone.
/// </summary>
public sealed partial class NotificationListener(
    NpgsqlDataSource dataSource,
    string channel,
    WakeSignal signal,
    TimeProvider time,
    ILogger<NotificationListener> logger) : BackgroundService
{
    // An idle LISTEN connection shows no failure by itself; a short query now and then does.
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => signal.Set();
                await using (var listen = new NpgsqlCommand($"LISTEN \"{channel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                failures = 0;
                signal.Set();
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(Probe, stoppingToken))
                    {
                        await using var probe = new NpgsqlCommand("SELECT 1", connection);
                        await probe.ExecuteNonQueryAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                var pause = Backoff.After(failures, MaxBackoff);
                ListenFailed(logger, ex, channel, failures, pause);
                try
                {
                    await Task.Delay(pause, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    [LoggerMessage(900, LogLevel.Warning, "LISTEN on {Channel} failed {Failures} time(s) in a row; polling only, reconnecting in {Pause}")]
    private static partial void ListenFailed(ILogger logger, Exception exception, string channel, int failures, TimeSpan pause);
}
