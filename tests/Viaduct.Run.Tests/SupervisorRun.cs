using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Viaduct.Run.Tests;

/// <summary>
/// The real supervisor (viaduct-run.dll beside the tests) run on a plan file, in a session of its own so that a
/// signal to its process group is what a Ctrl-C at its terminal would be.
/// </summary>
internal sealed partial class SupervisorRun : IDisposable
{
    private readonly Process process;
    private readonly string planPath;
    private readonly List<string> lines = [];
    private readonly Lock gate = new();

    private SupervisorRun(Process process, string planPath)
    {
        this.process = process;
        this.planPath = planPath;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => process.Id;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    public string Output => string.Join('\n', Lines);

    public static SupervisorRun Start(string planJson, params string[] arguments)
    {
        var planPath = Path.GetTempFileName();
        File.WriteAllText(planPath, planJson);
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["NO_COLOR"] = "1" },
        };
        start.ArgumentList.Add(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "viaduct-run.dll"));
        start.ArgumentList.Add("--processes");
        start.ArgumentList.Add(planPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new SupervisorRun(Process.Start(start)!, planPath);
    }

    /// <summary>A bash service that says "ready pid=N", then waits; on SIGTERM it says "got SIGTERM" and exits 0.</summary>
    public static string PatientService(string name) =>
        $$"""{ "name": "{{name}}", "fileName": "bash", "arguments": ["-c", "trap 'echo got SIGTERM; exit 0' TERM; echo ready pid=$$; while :; do sleep 0.1; done"] }""";

    /// <summary>What <paramref name="name"/>'s line <paramref name="text"/> looks like in the output (names padded to "viaduct-run").</summary>
    public static string LineOf(string name, string text) => PrefixedOutput.Prefix(name, PrefixedOutput.OwnName.Length) + text;

    public async Task WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Lines.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                throw new TimeoutException($"no line with '{text}' within {timeout}; the output:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The pid a <see cref="PatientService"/> announced.</summary>
    public int PidOf(string name) =>
        Lines.Select(line => ReadyLine().Match(line)).Where(match => match.Success && match.Groups[1].Value.TrimEnd() == name)
            .Select(match => int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)).Single();

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"viaduct-run did not exit within {timeout}; the output:\n{Output}");
        }

        return process.ExitCode;
    }

    /// <summary>Sends <paramref name="signal"/> to the supervisor's process group, as a terminal's Ctrl-C does.</summary>
    public void SignalGroup(int signal) => Assert.True(Libc.Send(-Pid, signal), "the supervisor's process group is gone");

    public void Signal(int signal) => Assert.True(Libc.Send(Pid, signal), "the supervisor is gone");

    public void Dispose()
    {
        if (!process.HasExited)
        {
            Libc.Send(-Pid, Libc.SigKill);
        }

        process.Dispose();
        File.Delete(planPath);
    }

    [GeneratedRegex(@"^(\S+)\s*\| ready pid=(\d+)$")]
    private static partial Regex ReadyLine();

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (gate)
            {
                lines.Add(line);
            }
        }
    }
}
