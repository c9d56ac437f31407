using System.Diagnostics;
using System.Text;

namespace Viaduct.Run;

/// <summary>
/// A started process whose standard output and error go, line by line, to the <see cref="PrefixedOutput"/>.
/// It runs in its own session (through <c>setsid</c>, when there is one), so a Ctrl-C at the terminal reaches the
/// supervisor only, which then stops every child in order; signals go to the child's whole process group, so
/// whatever it started stops with it.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private static readonly string? Setsid = FindOnPath("setsid");

    private readonly Process process;
    private readonly bool ownGroup;
    private readonly Task output;

    private ChildProcess(ProcessSpec spec, Process process, bool ownGroup, PrefixedOutput sink)
    {
        Spec = spec;
        this.process = process;
        this.ownGroup = ownGroup;
        Pid = process.Id;
        Exited = WaitForExitCodeAsync(process);
        output = Task.WhenAll(
            PumpAsync(process.StandardOutput, spec.Name, sink),
            PumpAsync(process.StandardError, spec.Name, sink));
    }

    public ProcessSpec Spec { get; }

    public int Pid { get; }

    /// <summary>Completes with the exit code when the process has exited (128 + N when signal N ended it).</summary>
    public Task<int> Exited { get; }

    /// <summary>The supervisor had to SIGKILL it.</summary>
    public bool Killed { get; private set; }

    /// <summary>Starts <paramref name="spec"/>; throws <see cref="System.ComponentModel.Win32Exception"/> when the executable cannot be started.</summary>
    public static ChildProcess Start(ProcessSpec spec, PrefixedOutput sink)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(sink);
        var start = new ProcessStartInfo(Setsid ?? spec.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (Setsid is not null)
        {
            // setsid execs the command in place (the child is no group leader), so the pid stays the child's.
            start.ArgumentList.Add(spec.FileName);
        }

        foreach (var argument in spec.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (spec.WorkingDirectory is not null)
        {
            start.WorkingDirectory = spec.WorkingDirectory;
        }

        foreach (var (key, value) in spec.Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{spec.Name} did not start");
        // Nothing reads the terminal through the supervisor; an empty stdin keeps a child from waiting on it.
        process.StandardInput.Close();
        return new ChildProcess(spec, process, Setsid is not null, sink);
    }

    /// <summary>Sends <paramref name="signal"/> to the child's process group (to the child alone without <c>setsid</c>).</summary>
    public void Signal(int signal)
    {
        if (signal == Libc.SigKill && !Exited.IsCompleted)
        {
            Killed = true;
        }

        // Before setsid has run, the group does not exist yet: then the pid alone.
        if (!(ownGroup && Libc.Send(-Pid, signal)) && !Exited.IsCompleted)
        {
            Libc.Send(Pid, signal);
        }
    }

    /// <summary>Waits until the output pipes are drained, at most <paramref name="timeout"/> (a grandchild may hold them open).</summary>
    public Task DrainAsync(TimeSpan timeout) => Task.WhenAny(output, Task.Delay(timeout));

    public void Dispose() => process.Dispose();

    private static async Task<int> WaitForExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync(CancellationToken.None);
        return process.ExitCode;
    }

    private static async Task PumpAsync(StreamReader reader, string name, PrefixedOutput sink)
    {
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            sink.Line(name, line);
        }
    }

    private static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, executable))
            .FirstOrDefault(File.Exists);
}
