using System.Diagnostics;
using System.Globalization;

namespace Viaduct.Bench;

/// <summary>A Viaduct engine's (or the CommCare-like server's) executable: its assembly, the project that builds it, and the option that overrides where.</summary>
internal sealed record EngineKind(string Name, string AssemblyFile, string ProjectDirectory, string DirectoryOption)
{
    public static readonly EngineKind E1 = new("E1", "Viaduct.E1.Extractor.dll", "Engines.E1.Extractor", "e1-dir");

    public static readonly EngineKind E2 = new("E2", "Viaduct.E2.Transformer.dll", "Engines.E2.Transformer", "e2-dir");

    public static readonly EngineKind E3 = new("E3", "Viaduct.E3.Enqueuer.dll", "Engines.E3.Enqueuer", "e3-dir");

    public static readonly EngineKind E4 = new("E4", "Viaduct.E4.Loader.dll", "Engines.E4.Loader", "e4-dir");

    public static readonly EngineKind E5 = new("E5", "Viaduct.E5.Sync.dll", "Engines.E5.Sync", "e5-dir");

    /// <summary>The CommCare-like server (src/Viaduct.CommCare): not an engine, but run the same way.</summary>
    public static readonly EngineKind CommCare = new("CommCare-like server", "Viaduct.CommCare.dll", "Viaduct.CommCare", "commcare-dir");
}

/// <summary>A real engine (<c>dotnet Viaduct.E1.Extractor.dll</c>, ...) running as a process of its own.</summary>
internal sealed class EngineProcess : IAsyncDisposable
{
    private const int TailLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly Lock _tailLock = new();
    private readonly Action<string>? _onLine;

    private EngineProcess(Process process, EngineKind kind, Action<string>? onLine)
    {
        _process = process;
        Kind = kind;
        _onLine = onLine;
    }

    public EngineKind Kind { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Directory { get; private init; } = "";

    /// <summary>
    /// Finds the built engine: <paramref name="explicitDirectory"/> if given, else the engine project's output of this
    /// program's own configuration (Release when built by scripts/bench.sh), else its other configuration, else the
    /// copy next to this program (E1 only; it lacks the engine's own appsettings.json).
    /// </summary>
    public static string Locate(EngineKind kind, string? explicitDirectory)
    {
        if (explicitDirectory is not null)
        {
            return IsRunnable(kind, explicitDirectory)
                ? Path.GetFullPath(explicitDirectory)
                : throw new UsageException($"no runnable {kind.AssemblyFile} (with its .runtimeconfig.json) in {explicitDirectory}");
        }

        var candidates = new List<string>();
        if (RepositoryRoot() is { } root)
        {
            var release = Path.Combine(root, "src", kind.ProjectDirectory, "bin", "Release", "net10.0");
            var debug = Path.Combine(root, "src", kind.ProjectDirectory, "bin", "Debug", "net10.0");
            var ownIsDebug = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
            candidates.AddRange(ownIsDebug ? [debug, release] : [release, debug]);
        }

        candidates.Add(AppContext.BaseDirectory);
        return candidates.FirstOrDefault(directory => IsRunnable(kind, directory))
            ?? throw new UsageException(
                $"no built {kind.Name} engine found (looked in {string.Join(", ", candidates)}); build it or pass --{kind.DirectoryOption}");
    }

    /// <summary>
    /// Starts the engine in <paramref name="directory"/> with <paramref name="environment"/> added to this program's
    /// own; <paramref name="onLine"/>, if given, sees every line it writes (on a thread of its own: keep it short).
    /// </summary>
    public static EngineProcess Start(EngineKind kind, string directory, IReadOnlyDictionary<string, string> environment, Action<string>? onLine = null)
    {
        var host = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(directory, kind.AssemblyFile));
        // Engines serve /health and /metrics on a fixed port by default; a benchmark's copies take any free one. (The
        // CommCare-like server is given its address by the benchmark.)
        if (kind != EngineKind.CommCare)
        {
            start.Environment["Urls"] = "http://127.0.0.1:0";
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var engine = new EngineProcess(process, kind, onLine) { Directory = directory };
        process.OutputDataReceived += (_, e) => engine.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => engine.Keep(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start the {kind.Name} process");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return engine;
    }

    /// <summary>The last lines the engine wrote (standard output and error).</summary>
    public IReadOnlyList<string> Tail(int lines)
    {
        lock (_tailLock)
        {
            return [.. _tail.Skip(Math.Max(0, _tail.Count - lines))];
        }
    }

    /// <summary>Peak resident set size (VmHWM) in bytes, or null when it cannot be read.</summary>
    public long? PeakRssBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>Current resident set size (VmRSS) in bytes, or null when it cannot be read.</summary>
    public long? RssBytes() => StatusKilobytes("VmRSS:") * 1024;

    /// <summary>SIGTERM, then a kill if the engine has not stopped within <paramref name="grace"/>.</summary>
    public async Task<string> StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return $"had already exited with code {_process.ExitCode}";
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
        {
            if (kill is not null)
            {
                await kill.WaitForExitAsync();
            }
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return $"stopped on SIGTERM, exit code {_process.ExitCode}";
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            return $"did not stop within {grace.TotalSeconds:N0} s of SIGTERM; killed";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await StopAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private static bool IsRunnable(EngineKind kind, string directory) =>
        File.Exists(Path.Combine(directory, kind.AssemblyFile))
        && File.Exists(Path.Combine(directory, Path.ChangeExtension(kind.AssemblyFile, ".runtimeconfig.json")));

    private static string? RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Engines.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    private long? StatusKilobytes(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{Id}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var number = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return long.Parse(number, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _onLine?.Invoke(line);
        lock (_tailLock)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }
}
