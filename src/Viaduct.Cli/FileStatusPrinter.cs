using System.Globalization;
using System.Text.Json;

namespace Viaduct.Cli;

internal static class FileStatusPrinter
{
    public static void PrintTable(TextWriter output, IReadOnlyList<FileStatus> files)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"id",6}  {"state",-10} {"rows",8} {"new",8} {"dup",8} {"bad",6}  {"finished (UTC)",-19}  key"));
        foreach (var f in files)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{f.Id,6}  {f.State,-10} {f.Rows,8} {f.New,8} {f.Duplicate,8} {f.Bad,6}  {f.FinishedAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-",-19}  {f.Key}"));
            if (f.Error is { } error)
            {
                output.WriteLine($"        reason: {error}");
            }
        }
    }

    public static void PrintDetail(TextWriter output, FileStatus file)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"file {file.Id}  {file.Key}"));
        output.WriteLine($"  state      {file.State}{(file.DuplicateOf is { } of ? $" (same content as file {of})" : "")}");
        if (file.Error is { } error)
        {
            output.WriteLine($"  reason     {error}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  rows       {file.Rows}  (new {file.New}, duplicate {file.Duplicate}, bad {file.Bad})"));
        if (file.ProcessingAt is { } started && file.FinishedAt is { } finished)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  import     {(finished - started).TotalMilliseconds:F0} ms"));
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

    private static int Figure(JsonElement figures, string name) =>
        figures.TryGetProperty(name, out var value) ? value.GetInt32() : 0;
}
