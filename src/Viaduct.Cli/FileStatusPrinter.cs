using System.Globalization;
using System.Text.Json;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Cli;

internal static class FileStatusPrinter
{
    public static void PrintTable(TextWriter output, IReadOnlyList<FileStatus> files)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"id",6}  {"state",-10} {"rows",8} {"new",8} {"dup",8} {"bad",6}  {"received (UTC)",-19}  {"finished (UTC)",-19}  key"));
        foreach (var f in files)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{f.Id,6}  {f.State,-10} {f.Rows,8} {f.New,8} {f.Duplicate,8} {f.Bad,6}  {Time(f.ReceivedAt),-19}  {Time(f.FinishedAt),-19}  {f.ObjectKey}"));
            if (f.DuplicateOfFileId is { } original)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"        duplicate of file {original} (same content)"));
            }

            if (f.Error is { } error)
            {
                output.WriteLine($"        reason: {error}");
            }
        }
    }

    public static void PrintDetail(TextWriter output, FileDetail file)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"file {file.Id}  {file.Key}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  state      {file.State}{(file.DuplicateOf is { } of ? $" (same content as file {of})" : "")}{(file.ReplayRequestedAt is { } at ? $", replay requested {Time(at)}" : "")}"));
        if (file.Error is { } error)
        {
            output.WriteLine($"  reason     {error}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  rows       {file.Rows}  (new {file.New}, duplicate {file.Duplicate}, bad {file.Bad})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  received   {Time(file.ReceivedAt)}, attempts {file.Attempts}{(file.ClaimedBy is { } host ? $", last taken by {host}" : "")}"));
        if (file.ProcessingAt is { } started && file.FinishedAt is { } finished && finished >= started)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  import     {(finished - started).TotalMilliseconds:F0} ms, finished {Time(finished)}"));
        }

        if (file.Counties.Count == 0)
        {
            return;
        }

        output.WriteLine("  per county   rows    new    dup    bad");
        foreach (var (county, figures) in file.Counties.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {county,-8} {Figure(figures, "rows"),6} {Figure(figures, "new"),6} {Figure(figures, "duplicate"),6} {Figure(figures, "bad"),6}"));
        }
    }

    public static string Time(DateTime? at) => at?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    private static int Figure(JsonElement figures, string name) =>
        figures.TryGetProperty(name, out var value) ? value.GetInt32() : 0;
}
