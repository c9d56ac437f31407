using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Viaduct.Run;

/// <summary>The command line: which apps, how many copies, where the builds are, how long to wait when stopping.</summary>
internal static class RunCommand
{
    /// <summary>Bad options, a missing build or an unreadable plan file.</summary>
    public const int ExitUsage = 64;

    public static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan MaxStopTimeout = TimeSpan.FromMinutes(10);

    public static RootCommand Create()
    {
        var only = new Option<string[]>("--only")
        {
            Description = "Start only these (comma-separated or repeated): e1..e5 (or e2-transformer, ...), commcare, dashboard",
        };
        var replicas = new Option<string[]>("--replicas")
        {
            Description = "Run N copies of an engine against the one database, e.g. --replicas e2=3 (repeatable; they share work through SKIP LOCKED claims)",
        };
        var noMigrate = new Option<bool>("--no-migrate") { Description = "Do not run the migrations first" };
        var noCommCare = new Option<bool>("--no-commcare") { Description = "Do not start the CommCare-like server" };
        var noDashboard = new Option<bool>("--no-dashboard") { Description = "Do not start the dashboard host" };
        var root = new Option<DirectoryInfo?>("--root") { Description = "The repository root whose builds are run (default: found from this program's or the current folder)" };
        var configuration = new Option<string>("--configuration", "-c")
        {
            Description = "The build configuration to run",
            DefaultValueFactory = _ => "Release",
        };
        var stopTimeout = new Option<TimeSpan>("--stop-timeout")
        {
            Description = "How long the processes get to stop after SIGTERM before SIGKILL (hh:mm:ss)",
            DefaultValueFactory = _ => DefaultStopTimeout,
            CustomParser = ParseStopTimeout,
        };
        var processes = new Option<FileInfo?>("--processes")
        {
            Description = "Supervise the processes a JSON file lists instead of Viaduct's (for tests and one-off setups)",
        };

        var command = new RootCommand(
            "Starts Viaduct locally as separate processes: migrate, then the CommCare-like server, the dashboard host and the five engines. "
            + "Prefixes each line of their output with its name; restarts nothing (one that ends stops them all); Ctrl-C stops them all.")
        {
            only, replicas, noMigrate, noCommCare, noDashboard, root, configuration, stopTimeout, processes,
        };
        command.SetAction(async (parse, _) =>
        {
            LaunchPlan plan;
            try
            {
                if (parse.GetValue(processes) is { } file)
                {
                    if (parse.GetValue(only) is { Length: > 0 } || parse.GetValue(replicas) is { Length: > 0 })
                    {
                        throw new ArgumentException("--processes cannot be combined with --only or --replicas");
                    }

                    plan = LaunchPlanFile.Read(file.FullName);
                }
                else
                {
                    var selection = AppSelection.Parse(
                        parse.GetValue(only) ?? [], parse.GetValue(replicas) ?? [], parse.GetValue(noCommCare), parse.GetValue(noDashboard));
                    var layout = new BuildLayout(
                        parse.GetValue(root)?.FullName ?? FindRepositoryRoot(),
                        parse.GetValue(configuration) ?? "Release",
                        DotnetHost(),
                        Environment.GetEnvironmentVariable);
                    plan = ViaductLaunchPlan.Build(selection, !parse.GetValue(noMigrate), layout, new PortAssigner(PortAssigner.IsFreeOnLoopback));
                }
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or IOException)
            {
                await Console.Error.WriteLineAsync($"{PrefixedOutput.OwnName}: {e.Message}");
                return ExitUsage;
            }

            var output = new PrefixedOutput(Console.Out, PrefixedOutput.WidthFor(plan.All.Select(spec => spec.Name)), PrefixedOutput.ColourWanted());
            using var signals = new StopSignals();
            return await new Supervisor(output, parse.GetValue(stopTimeout)).RunAsync(plan, signals);
        });
        return command;
    }

    private static TimeSpan ParseStopTimeout(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return DefaultStopTimeout;
        }

        var text = result.Tokens[0].Value;
        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"--stop-timeout {text}: expected hh:mm:ss, such as 00:00:20");
        }
        else if (value <= TimeSpan.Zero || value > MaxStopTimeout)
        {
            result.AddError($"--stop-timeout must be more than zero and at most {MaxStopTimeout}");
        }

        return value;
    }

    /// <summary>The dotnet host running this program (so every child runs on the same one), else <c>dotnet</c> from PATH.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    /// <summary>The nearest folder holding Engines.sln above this program's build output, else above the current folder.</summary>
    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Engines.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new ArgumentException($"no Engines.sln above {AppContext.BaseDirectory} or the current folder: pass --root");
    }
}
