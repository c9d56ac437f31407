using System.Diagnostics;

namespace Viaduct.Testing;

/// <summary>Starts an engine's real executable from the test's output folder, for tests that kill it.</summary>
public static class EngineProcess
{
    /// <param name="executable">The apphost's name, such as <c>Viaduct.E1.Extractor</c>.</param>
    /// <param name="settings">Configuration keys (<c>Section:Key</c>), passed as environment variables (<c>Section__Key</c>).</param>
    /// <param name="arguments">Command-line arguments.</param>
    public static Process Start(string executable, IEnumerable<KeyValuePair<string, string?>> settings, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, executable))
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Engines serve /health and /metrics on a fixed port by default: tests running side by side take any free one.
        start.Environment["Urls"] = "http://127.0.0.1:0";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        // Drain its output so a full pipe never blocks it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
