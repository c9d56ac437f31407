using System.Globalization;

namespace Viaduct.Bench;

/// <summary>Collects the settings, figures and verdicts of a run and prints them as one table.</summary>
internal sealed class BenchReport(string title)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly List<(string Name, string Value)> _settings = [];
    private readonly List<(string Name, string Value)> _figures = [];
    private readonly List<(string Name, bool Met, string Value)> _targets = [];
    private readonly List<string> _failures = [];
    private readonly List<string> _notes = [];

    public void Setting(string name, string value) => _settings.Add((name, value));

    public void Figure(string name, string value) => _figures.Add((name, value));

    public void Target(string name, bool met, string value) => _targets.Add((name, met, value));

    public void Failure(string line) => _failures.Add(line);

    public void Import(string name, E1Benchmark.ImportResult import, int rows)
    {
        Figure(name, $"{E1Benchmark.Rate(rows, import.ImportSeconds)} rows/s ({import.ImportSeconds.ToString("N2", Inv)} s import)");
        Figure("  processed_at - processing_at", $"{import.ProcessedMinusProcessingSeconds.ToString("N2", Inv)} s"
            + (import.ProcessedAtIsTransactionStart ? "  (!)" : ""));
        Figure("  processing_at -> seen processed", $"{import.SeenSeconds.ToString("N2", Inv)} s (database clock, 50 ms poll)");
        Figure("  upload done -> processed (wall)", $"{import.WallSeconds.ToString("N2", Inv)} s = {E1Benchmark.Rate(rows, import.WallSeconds)} rows/s");
        Figure("  CPU during import", $"E1 process {Seconds(import.EngineCpuSeconds)}, PostgreSQL backends {Seconds(import.ServerCpuSeconds)}");
        Figure("  upload to S3", $"{import.UploadSeconds.ToString("N2", Inv)} s");
        Figure("  files row", $"id {import.FileId}, {import.State}: rows {import.Rows:N0}, new {import.New:N0}, duplicate {import.Duplicate:N0}, bad {import.Bad:N0}");
        if (import.ProcessedAtIsTransactionStart)
        {
            const string note = "(!) files.processed_at is set with now() inside the import transaction, i.e. at its start; the import time used "
                + "is processing_at -> first seen processed (database clock, within the 50 ms poll interval).";
            if (!_notes.Contains(note))
            {
                _notes.Add(note);
            }
        }
    }

    private static string Seconds(double? seconds) => seconds is { } s ? s.ToString("N2", Inv) + " s" : "n/a";

    public void Print(TextWriter output)
    {
        var width = _settings.Concat(_figures).Select(s => s.Name.Length).Concat(_targets.Select(t => t.Name.Length)).DefaultIfEmpty(20).Max() + 2;
        var rule = new string('-', Math.Min(120, width + 60));
        output.WriteLine();
        output.WriteLine(title);
        output.WriteLine(rule);
        foreach (var (name, value) in _settings)
        {
            output.WriteLine($"{name.PadRight(width)}{value}");
        }

        output.WriteLine(rule);
        foreach (var (name, value) in _figures)
        {
            output.WriteLine($"{name.PadRight(width)}{value}");
        }

        if (_targets.Count > 0)
        {
            output.WriteLine(rule);
            foreach (var (name, met, value) in _targets)
            {
                output.WriteLine($"{name.PadRight(width)}{(met ? "PASS" : "MISS")}  {value}");
            }
        }

        if (_failures.Count > 0)
        {
            output.WriteLine(rule);
            output.WriteLine("FAILED:");
            foreach (var line in _failures)
            {
                output.WriteLine(line);
            }
        }

        output.WriteLine(rule);
        foreach (var note in _notes)
        {
            output.WriteLine(note);
        }
    }
}
