namespace Viaduct.Shared.Data.Hosting;

/// <summary>
/// The loop every engine duty runs in: start after a random share of the interval (replicas started
/// together do not poll in step), run the iteration again at once while it reports work (drain), then
/// sleep; an exception is reported and followed by a growing, jittered pause, never the end of the loop;
/// cancellation stops it promptly. With a <see cref="WakeSignal"/> the sleep (not a back-off pause) ends early
/// when the signal is set.
/// </summary>
public static class EngineLoop
{
    /// <param name="iteration">One unit of work; returns true when it did some, so the loop should not sleep yet.</param>
    /// <param name="interval">The sleep once there is nothing to do (zero: the iteration itself waits, as a long poll does).</param>
    /// <param name="maxBackoff">The longest pause after repeated failures.</param>
    /// <param name="onError">Reports a failure: the exception, how many in a row, and the pause that follows.</param>
    public static async Task RunAsync(
        Func<CancellationToken, Task<bool>> iteration,
        TimeSpan interval,
        TimeSpan maxBackoff,
        TimeProvider time,
        Action<Exception, int, TimeSpan> onError,
        CancellationToken stoppingToken,
        WakeSignal? wake = null)
    {
        ArgumentNullException.ThrowIfNull(iteration);
        ArgumentNullException.ThrowIfNull(onError);
        var pause = Backoff.Jitter(interval);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (pause > TimeSpan.Zero)
                {
                    if (wake is not null && failures == 0)
                    {
                        await wake.WaitAsync(pause, time, stoppingToken);
                    }
                    else
                    {
                        await Task.Delay(pause, time, stoppingToken);
                    }
                }

                while (await iteration(stoppingToken) && interval > TimeSpan.Zero)
                {
                    // Drain, then sleep.
                }

                failures = 0;
                pause = interval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                pause = Backoff.After(failures, maxBackoff);
                onError(ex, failures, pause);
            }
        }
    }
}
