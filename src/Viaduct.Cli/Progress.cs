using System.Diagnostics;

namespace Viaduct.Cli;

/// <summary>
/// A long-running command's progress on stderr: at most one line per interval while it runs, and always the last
/// one, so a redirected log stays short and a terminal still shows the command is alive.
/// </summary>
internal sealed class Progress(TextWriter error, TimeSpan interval)
{
    private long _lastWritten = -1;

    /// <summary>Writes <paramref name="line"/> if the interval has passed since the last line.</summary>
    public void Report(Func<string> line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var now = Stopwatch.GetTimestamp();
        if (_lastWritten >= 0 && Stopwatch.GetElapsedTime(_lastWritten, now) < interval)
        {
            return;
        }

        _lastWritten = now;
        error.WriteLine(line());
    }

    /// <summary>Writes the final line whatever the interval.</summary>
    public void Done(string line)
    {
        _lastWritten = Stopwatch.GetTimestamp();
        error.WriteLine(line);
    }

    public static string Percent(long done, long total) =>
        total <= 0 ? "100%" : (100.0 * done / total).ToString("F0", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
