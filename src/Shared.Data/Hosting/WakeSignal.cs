namespace Viaduct.Shared.Data.Hosting;

/// <summary>
/// Ends an engine loop's sleep early. A signal given while nobody sleeps is kept for the next sleep, so a
/// notification that arrives while a batch is being drained is not lost; several such signals count as one.
/// </summary>
public sealed class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Set()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one pending wake-up is enough.
        }
    }

    /// <summary>Waits until <see cref="Set"/> is called (or was called since the last wait) or <paramref name="timeout"/> passes.</summary>
    /// <returns>True when woken by a signal.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signal = _pending.WaitAsync(stop.Token);
        var delay = Task.Delay(timeout, time, stop.Token);
        var first = await Task.WhenAny(signal, delay);
        await stop.CancelAsync();
        // The loser ends cancelled; a cancelled semaphore wait takes nothing.
        await Task.WhenAll(signal, delay).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        return first == signal && signal.IsCompletedSuccessfully;
    }

    public void Dispose() => _pending.Dispose();
}
