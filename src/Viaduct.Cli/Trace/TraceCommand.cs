using System.CommandLine;
using System.Globalization;

namespace Viaduct.Cli.Trace;

/// <summary><c>viaduct trace file|result|person|case ID</c>: every recorded step of one item across the engines, in time order.</summary>
internal static class TraceCommand
{
    private static readonly string[] Kinds = ["file", "result", "person", "case"];

    public static Command Create(CliSettings settings)
    {
        var kind = new Argument<string>("kind") { Description = "What to trace: file, result, person or case" };
        kind.AcceptOnlyFromAmong(Kinds);
        var id = new Argument<long>("id") { Description = "Its id" };
        var json = new Option<bool>("--json") { Description = "Print JSON (camelCase) instead of text" };
        var limit = new Option<int>("--limit") { Description = "Most steps (and results) to show", DefaultValueFactory = _ => 500 };
        var command = new Command("trace", "Every recorded step of a file, result, person or case across the engines, in time order (no patient data)")
        {
            kind, id, json, limit,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (what, which, max) = (parse.GetValue(kind)!, parse.GetValue(id), Math.Max(1, parse.GetValue(limit)));
            await using var dataSource = settings.OpenDataSource();
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            // One snapshot: the steps read by separate queries agree with each other.
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            var report = what switch
            {
                "file" => await FileTrace.ReadAsync(connection, which, max, cancellationToken),
                "result" => await ResultTrace.ReadAsync(connection, which, max, cancellationToken),
                "person" => await PersonTrace.ReadAsync(connection, which, max, cancellationToken),
                _ => await CaseTrace.ReadAsync(connection, which, max, cancellationToken),
            };
            if (report is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"no {what} {which}"));
                return 1;
            }

            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(report));
            }
            else
            {
                Print(output, report);
            }

            return 0;
        });
        return command;
    }

    private static void Print(TextWriter output, TraceReport report)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Subject} {report.Id}"));
        var width = report.Facts.Count == 0 ? 0 : report.Facts.Max(f => f.Name.Length);
        foreach (var fact in report.Facts)
        {
            output.WriteLine($"  {fact.Name.PadRight(width)}  {fact.Value}");
        }

        output.WriteLine();
        if (report.Steps.Count == 0)
        {
            output.WriteLine("no recorded steps");
            return;
        }

        var engineWidth = Math.Max(6, report.Steps.Max(s => s.Engine.Length));
        var hostWidth = Math.Max(4, report.Steps.Max(s => s.Host?.Length ?? 1));
        var subjectWidth = Math.Max(7, report.Steps.Max(s => s.Subject.Length));
        var stepWidth = Math.Max(4, report.Steps.Max(s => s.Step.Length));
        output.WriteLine($"{"when (UTC)",-23}  {"engine".PadRight(engineWidth)}  {"host".PadRight(hostWidth)}  {"subject".PadRight(subjectWidth)}  {"step".PadRight(stepWidth)}  detail");
        foreach (var step in report.Steps)
        {
            output.WriteLine(
                $"{TraceBuilder.Time(step.At),-23}  {step.Engine.PadRight(engineWidth)}  {(step.Host ?? "-").PadRight(hostWidth)}  {step.Subject.PadRight(subjectWidth)}  {step.Step.PadRight(stepWidth)}  {step.Detail}".TrimEnd());
        }

        if (report.StepsLeftOut > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"... {report.StepsLeftOut} later step(s) not shown (--limit)"));
        }
    }
}
