namespace Viaduct.Bench;

/// <summary>How every benchmark ends: a run that did not finish reported with its engines' last lines, and the exit code.</summary>
internal static class BenchRun
{
    public static void ReportFailure(BenchReport report, Exception exception, IEnumerable<EngineProcess> processes, int tailLines)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(processes);
        report.Failure(exception is BenchFailure ? exception.Message : exception.ToString());
        foreach (var process in processes)
        {
            report.Failure($"last lines of the {process.Kind.Name} process (pid {process.Id}{(process.HasExited ? ", exited" : "")}):");
            foreach (var line in process.Tail(tailLines))
            {
                report.Failure("  " + line);
            }
        }
    }

    /// <summary>Stops and removes what a run made, in the order given (engines before the database they use); nulls are skipped.</summary>
    public static async Task DisposeAsync(params IEnumerable<IAsyncDisposable?> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        foreach (var resource in resources)
        {
            if (resource is not null)
            {
                await resource.DisposeAsync();
            }
        }
    }

    /// <summary>Prints the report; 1 when the run did not finish or its checks found the engines' work wrong.</summary>
    /// <param name="whatWasChecked">What the checks are about, as in "what was posted".</param>
    public static int Finish(BenchReport report, bool failed, bool checksFailed, string whatWasChecked)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Print(Console.Out);
        if (failed)
        {
            Console.WriteLine("The run did not finish: no PASS/MISS verdicts.");
            return 1;
        }

        if (checksFailed)
        {
            Console.WriteLine($"The run finished but {whatWasChecked} is wrong (see FAILED above).");
            return 1;
        }

        return 0;
    }
}
