using System.Runtime.InteropServices;

namespace Viaduct.Run;

/// <summary>The two libc calls .NET does not offer: a signal other than SIGKILL to a process, and un-ignoring a signal.</summary>
internal static partial class Libc
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/> (a negative pid: to that process group); true when sent.</summary>
    /// <remarks><see cref="System.Diagnostics.Process.Kill()"/> only sends SIGKILL, which gives a host no chance to stop cleanly.</remarks>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>
    /// Gives <paramref name="signal"/> back its default action. A shell starts a background job with SIGINT ignored,
    /// and .NET then keeps it ignored; a handler registered afterwards (<see cref="PosixSignalRegistration"/>) only
    /// takes over a signal that is not ignored.
    /// </summary>
    public static void RestoreDefaultAction(int signal) => SetHandler(signal, 0 /* SIG_DFL */);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetHandler(int signal, nint handler);
}
