using System.ComponentModel;

namespace Viaduct.Run;

/// <summary>
/// Runs a <see cref="LaunchPlan"/>: each preparation step to completion, then every service together, until a
/// signal asks it to stop or a service ends on its own. It restarts nothing: a service that ends on its own is
/// reported loudly and the others are stopped, so a failure is never hidden behind a restart.
/// </summary>
internal sealed class Supervisor(PrefixedOutput output, TimeSpan stopTimeout)
{
    /// <summary>A service ended on its own, or could not be started.</summary>
    public const int ExitFailed = 1;

    /// <summary>Stopped on request, but some process had to be killed.</summary>
    public const int ExitKilled = 2;

    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainWait = TimeSpan.FromSeconds(2);

    /// <summary>Runs the plan; returns 0 after a clean stop on request, else why it ended (see the Exit constants; a failed preparation step's own code).</summary>
    public async Task<int> RunAsync(LaunchPlan plan, StopSignals signals)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(signals);
        foreach (var note in plan.Notes)
        {
            output.Note(note);
        }

        foreach (var step in plan.Prepare)
        {
            if (await RunToCompletionAsync(step, signals) is { } ended)
            {
                return ended;
            }
        }

        var children = new List<ChildProcess>();
        try
        {
            foreach (var spec in plan.Services)
            {
                if (signals.Requested.IsCompleted)
                {
                    break;
                }

                if (TryStart(spec) is not { } child)
                {
                    await StopAsync(children, signals);
                    return ExitFailed;
                }

                children.Add(child);
            }

            if (children.Count == 0)
            {
                output.Note($"{await signals.Requested} received before anything started");
                return 0;
            }

            foreach (var line in StartTable.Format(children.Select(child => (child.Spec, child.Pid)).ToList()))
            {
                output.Note(line);
            }

            output.Note($"{Count(children.Count, "process", "processes")} started; Ctrl-C stops them all (SIGTERM, SIGKILL after {stopTimeout}); none is ever restarted");
            var anyExited = Task.WhenAny(children.Select(child => child.Exited));
            var first = await Task.WhenAny(anyExited, signals.Requested);
            var code = 0;
            if (first == signals.Requested)
            {
                output.Note($"{await signals.Requested} received: stopping {Count(children.Count(child => !child.Exited.IsCompleted), "process", "processes")}");
            }
            else
            {
                var exited = await anyExited;
                var child = children.First(child => child.Exited == exited);
                output.Alarm($"{child.Spec.Name} (pid {child.Pid}) exited on its own with code {await exited}; nothing is restarted: stopping the others");
                code = ExitFailed;
            }

            var clean = await StopAsync(children, signals);
            return code != 0 ? code : clean ? 0 : ExitKilled;
        }
        finally
        {
            foreach (var child in children)
            {
                child.Dispose();
            }
        }
    }

    private static string Count(int count, string one, string many) =>
        count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);

    /// <summary>Null when the step succeeded; else the supervisor's exit code.</summary>
    private async Task<int?> RunToCompletionAsync(ProcessSpec step, StopSignals signals)
    {
        if (TryStart(step) is not { } child)
        {
            return ExitFailed;
        }

        using (child)
        {
            if (await Task.WhenAny(child.Exited, signals.Requested) == signals.Requested)
            {
                output.Note($"{await signals.Requested} received while {step.Name} ran: stopping it; nothing else is started");
                return await StopAsync([child], signals) ? 0 : ExitKilled;
            }

            await child.DrainAsync(DrainWait);
            var code = await child.Exited;
            if (code != 0)
            {
                output.Alarm($"{step.Name} failed with exit code {code}; nothing else is started");
                return code;
            }

            output.Note($"{step.Name} finished");
            return null;
        }
    }

    private ChildProcess? TryStart(ProcessSpec spec)
    {
        try
        {
            return ChildProcess.Start(spec, output);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            output.Alarm($"{spec.Name} could not be started ({spec.FileName}): {e.Message}");
            return null;
        }
    }

    /// <summary>SIGTERM to every child, SIGKILL to those still there after the stop timeout; true when none needed SIGKILL.</summary>
    private async Task<bool> StopAsync(IReadOnlyList<ChildProcess> children, StopSignals signals)
    {
        foreach (var child in children.Where(child => !child.Exited.IsCompleted))
        {
            child.Signal(Libc.SigTerm);
        }

        var allExited = Task.WhenAll(children.Select(child => child.Exited));
        var waited = await Task.WhenAny(allExited, Task.Delay(stopTimeout), signals.Hurried);
        var clean = waited == allExited;
        if (!clean)
        {
            var why = waited == signals.Hurried
                ? $"a second {await signals.Hurried} asked not to wait"
                : $"it did not stop within {stopTimeout} of SIGTERM";
            foreach (var child in children.Where(child => !child.Exited.IsCompleted))
            {
                output.Alarm($"{child.Spec.Name} (pid {child.Pid}): SIGKILL, as {why}");
                child.Signal(Libc.SigKill);
            }

            await Task.WhenAny(allExited, Task.Delay(KillWait));
        }

        await Task.WhenAll(children.Select(child => child.DrainAsync(DrainWait)));
        foreach (var child in children)
        {
            output.Note(child.Exited.IsCompleted
                ? $"{child.Spec.Name} (pid {child.Pid}) exited with code {await child.Exited}{(child.Killed ? " (SIGKILL)" : "")}"
                : $"{child.Spec.Name} (pid {child.Pid}) is still running after SIGKILL");
        }

        return clean;
    }
}
