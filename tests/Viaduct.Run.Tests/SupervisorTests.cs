namespace Viaduct.Run.Tests;

/// <summary>The real supervisor, with small bash scripts standing in for Viaduct's processes.</summary>
public class SupervisorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static bool Running(int pid) => Libc.Send(pid, 0);

    [Fact]
    public async Task Ctrl_c_at_the_terminal_reaches_only_the_supervisor_which_stops_every_child_with_sigterm_and_exits_0()
    {
        using var run = SupervisorRun.Start($$"""{ "services": [ {{SupervisorRun.PatientService("a")}}, {{SupervisorRun.PatientService("b")}} ] }""");
        await run.WaitForLineAsync("2 processes started", Wait);
        await run.WaitForLineAsync(SupervisorRun.LineOf("a", "ready"), Wait);
        await run.WaitForLineAsync(SupervisorRun.LineOf("b", "ready"), Wait);
        int[] pids = [run.PidOf("a"), run.PidOf("b")];

        // As `timeout -s INT` does: the supervisor, then its process group; one stop, not a second "hurry up".
        run.Signal(Libc.SigInt);
        run.SignalGroup(Libc.SigInt);

        Assert.Equal(0, await run.WaitForExitAsync(Wait));
        // "got SIGTERM" from each: they were stopped by the supervisor, not by the Ctrl-C (which would end them with 130).
        Assert.Contains(SupervisorRun.LineOf("a", "got SIGTERM"), run.Lines);
        Assert.Contains(SupervisorRun.LineOf("b", "got SIGTERM"), run.Lines);
        Assert.Contains(SupervisorRun.LineOf("viaduct-run", "SIGINT received: stopping 2 processes"), run.Lines);
        Assert.Contains(SupervisorRun.LineOf("viaduct-run", $"a (pid {pids[0]}) exited with code 0"), run.Lines);
        Assert.All(pids, pid => Assert.False(Running(pid), $"pid {pid} still runs"));
    }

    [Fact]
    public async Task A_child_that_ends_on_its_own_is_reported_by_name_the_others_are_stopped_and_the_exit_code_is_not_0()
    {
        using var run = SupervisorRun.Start($$"""
            { "services": [ {{SupervisorRun.PatientService("a")}},
                            { "name": "b", "fileName": "bash", "arguments": ["-c", "sleep 0.5; echo giving up >&2; exit 7"] } ] }
            """);

        Assert.Equal(Supervisor.ExitFailed, await run.WaitForExitAsync(Wait));
        Assert.Contains(SupervisorRun.LineOf("b", "giving up"), run.Lines);
        Assert.Contains(run.Lines, line => line.StartsWith(SupervisorRun.LineOf("viaduct-run", "!!! b (pid "), StringComparison.Ordinal)
            && line.EndsWith(") exited on its own with code 7; nothing is restarted: stopping the others", StringComparison.Ordinal));
        Assert.Contains(SupervisorRun.LineOf("a", "got SIGTERM"), run.Lines);
        Assert.False(Running(run.PidOf("a")));
    }

    [Fact]
    public async Task A_failing_preparation_step_ends_the_run_with_its_exit_code_before_any_service_starts()
    {
        using var run = SupervisorRun.Start("""
            { "prepare": [ { "name": "migrate", "fileName": "bash", "arguments": ["-c", "echo migrating; exit 3"] } ],
              "services": [ { "name": "a", "fileName": "bash", "arguments": ["-c", "echo started; sleep 60"] } ] }
            """);

        Assert.Equal(3, await run.WaitForExitAsync(Wait));
        Assert.Contains(SupervisorRun.LineOf("migrate", "migrating"), run.Lines);
        Assert.Contains(SupervisorRun.LineOf("viaduct-run", "!!! migrate failed with exit code 3; nothing else is started"), run.Lines);
        Assert.DoesNotContain(SupervisorRun.LineOf("a", "started"), run.Lines);
    }

    [Fact]
    public async Task A_second_ctrl_c_a_while_after_the_first_kills_the_children_that_are_still_stopping()
    {
        using var run = SupervisorRun.Start(
            """{ "services": [ { "name": "a", "fileName": "bash", "arguments": ["-c", "trap 'echo stopping slowly' TERM; echo ready pid=$$; while :; do sleep 0.1; done"] } ] }""");
        await run.WaitForLineAsync(SupervisorRun.LineOf("a", "ready"), Wait);

        run.Signal(Libc.SigInt);
        await run.WaitForLineAsync(SupervisorRun.LineOf("a", "stopping slowly"), Wait);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        run.Signal(Libc.SigInt);

        Assert.Equal(Supervisor.ExitKilled, await run.WaitForExitAsync(Wait));
        Assert.Contains(run.Lines, line => line.Contains("SIGKILL, as a second SIGINT asked not to wait", StringComparison.Ordinal));
        Assert.False(Running(run.PidOf("a")));
    }

    [Fact]
    public async Task A_child_that_ignores_sigterm_is_killed_after_the_stop_timeout_and_the_exit_code_says_so()
    {
        using var run = SupervisorRun.Start(
            """{ "services": [ { "name": "a", "fileName": "bash", "arguments": ["-c", "trap '' TERM; echo ready pid=$$; while :; do sleep 0.1; done"] } ] }""",
            "--stop-timeout", "00:00:01");
        await run.WaitForLineAsync("1 process started", Wait);
        await run.WaitForLineAsync(SupervisorRun.LineOf("a", "ready"), Wait);

        run.Signal(Libc.SigTerm);

        Assert.Equal(Supervisor.ExitKilled, await run.WaitForExitAsync(Wait));
        Assert.Contains(run.Lines, line => line.Contains("SIGKILL, as it did not stop within 00:00:01 of SIGTERM", StringComparison.Ordinal));
        Assert.False(Running(run.PidOf("a")));
    }
}
