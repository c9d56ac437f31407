using System.Runtime.InteropServices;

namespace Viaduct.Run;

/// <summary>
/// SIGINT (Ctrl-C), SIGTERM and SIGHUP (the terminal went away) ask the supervisor to stop its children instead of
/// ending it at once; a second one, a second or more later, asks it not to wait for them any longer.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly TaskCompletionSource<PosixSignal> requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<PosixSignal> hurried = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>
    /// One stop can arrive as two signals at once (<c>timeout -s INT</c> signals its command, then the command's
    /// process group): only a signal this long after the first means "hurry".
    /// </summary>
    private static readonly TimeSpan Echo = TimeSpan.FromSeconds(1);

    private readonly PosixSignalRegistration[] registrations;
    private long firstAt;

    public StopSignals()
    {
        // `scripts/run.sh &` in a script starts it with SIGINT ignored; `kill -INT` should stop it all the same.
        Libc.RestoreDefaultAction(Libc.SigInt);
        registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(signal => PosixSignalRegistration.Create(signal, Handle))];
    }

    /// <summary>Completes with the first signal.</summary>
    public Task<PosixSignal> Requested => requested.Task;

    /// <summary>Completes with a signal that came a second or more after the first.</summary>
    public Task<PosixSignal> Hurried => hurried.Task;

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        var now = Environment.TickCount64;
        var first = Interlocked.CompareExchange(ref firstAt, now, 0);
        if (first == 0)
        {
            requested.TrySetResult(context.Signal);
        }
        else if (now - first >= (long)Echo.TotalMilliseconds)
        {
            hurried.TrySetResult(context.Signal);
        }
    }
}
