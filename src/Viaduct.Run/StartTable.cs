using System.Globalization;

namespace Viaduct.Run;

/// <summary>The table printed once everything has started: what runs where.</summary>
internal static class StartTable
{
    public static IReadOnlyList<string> Format(IReadOnlyList<(ProcessSpec Spec, int Pid)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var nameWidth = rows.Select(row => row.Spec.Name.Length).Append("name".Length).Max();
        var pidWidth = rows.Select(row => row.Pid.ToString(CultureInfo.InvariantCulture).Length).Append("pid".Length).Max();
        var lines = new List<string> { $"{"name".PadRight(nameWidth)}  {"pid".PadRight(pidWidth)}  urls" };
        foreach (var (spec, pid) in rows)
        {
            lines.Add($"{spec.Name.PadRight(nameWidth)}  {pid.ToString(CultureInfo.InvariantCulture).PadRight(pidWidth)}  {Urls(spec)}");
        }

        return lines;
    }

    private static string Urls(ProcessSpec spec)
    {
        if (spec.Url is null)
        {
            return "-";
        }

        var paths = spec.Paths is { Count: > 0 } ? spec.Paths : ["/"];
        return string.Join("  ", paths.Select(path => new Uri(spec.Url, path).ToString()));
    }
}
