using System.CommandLine;
using System.Globalization;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Cli;

/// <summary>The operator page's figures on the command line: per engine, the latest files, and parked cases.</summary>
internal static class StatusCommand
{
    public static Command Create(CliSettings settings)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (camelCase) instead of tables" };
        var files = new Option<int>("--files") { Description = "How many of the latest files", DefaultValueFactory = _ => 10 };
        var parked = new Option<int>("--parked") { Description = "How many parked or failed cases to list", DefaultValueFactory = _ => 20 };
        var command = new Command("status", "Per engine: backlog, lag, live hosts, throughput and last error; latest files; parked cases with reasons")
        {
            json, files, parked,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            await using var dataSource = settings.OpenDataSource();
            var status = await new StatusReader(dataSource).ReadAsync(parse.GetValue(files), parse.GetValue(parked), cancellationToken);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(status));
            }
            else
            {
                Print(output, status);
            }

            return 0;
        });
        return command;
    }

    private static void Print(TextWriter output, SystemStatus status)
    {
        output.WriteLine($"status at {FileStatusPrinter.Time(status.ReadAt)} UTC");
        output.WriteLine();
        output.WriteLine($"{"engine",-15} {"backlog",9} {"lag",9} {"hosts",5} {"items/min",10} {"processed",10} {"failures",8}  {"last seen (UTC)",-19}  last error");
        foreach (var e in status.Engines)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{e.Engine,-15} {e.Backlog,9} {Lag(e.LagSeconds),9} {e.LiveHosts,5} {e.ItemsPerMinute,10:F1} {e.ItemsProcessed,10} {e.Failures,8}  {FileStatusPrinter.Time(e.LastSeenAt),-19}  {LastError(e)}"));
        }

        output.WriteLine();
        output.WriteLine("latest files");
        FileStatusPrinter.PrintTable(output, status.LatestFiles);

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parked or failed cases: {status.ParkedCaseCount}"));
        if (status.ParkedCases.Count == 0)
        {
            return;
        }

        output.WriteLine($"{"case",8}  {"external id",-14} {"county",-7} {"state",-7} {"since (UTC)",-19}  reason");
        foreach (var c in status.ParkedCases)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.IndexCaseId,8}  {c.ExternalId,-14} {c.CountyFips,-7} {c.PostState,-7} {FileStatusPrinter.Time(c.ChangedAt),-19}  {OneLine(c.Reason) ?? "-"}"));
        }

        if (status.ParkedCaseCount > status.ParkedCases.Count)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ... and {status.ParkedCaseCount - status.ParkedCases.Count} more (--parked N lists more)"));
        }
    }

    private static string Lag(double? seconds) => seconds switch
    {
        null => "-",
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds:F0}s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:F0}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:F1}h"),
    };

    private static string LastError(EngineStatus engine) =>
        engine.LastError is { } error ? $"{FileStatusPrinter.Time(engine.LastErrorAt)} {OneLine(error)}" : "-";

    private static string? OneLine(string? text) =>
        text?.ReplaceLineEndings(" ") is { Length: > 160 } line ? line[..157] + "..." : text?.ReplaceLineEndings(" ");
}
