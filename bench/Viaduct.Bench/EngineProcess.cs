using System.Diagnostics;
using System.Globalization;

namespace Viaduct.Bench;

/// <summary>The real E1 engine (<c>dotnet Viaduct.E1.Extractor.dll</c>) running as a process of its own.</summary>
internal sealed class E1Process : IAsyncDisposable
{
    public const string AssemblyFile = "Viaduct.E1.Extractor.dll";
    private const int TailLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly Lock _tailLock = new();

    private E1Process(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Directory { get; private init; } = "";

    /// <summary>
    /// Finds the built engine: <paramref name="explicitDirectory"/> if given, else the engine project's output of this
    /// program's own configuration (Release when built by scripts/bench.sh), else its other configuration, else the
    /// copy next to this program (which lacks the engine's own appsettings.json).
    /// </summary>
    public static string Locate(string? explicitDirectory)
    {
        if (explicitDirectory is not null)
        {
            return IsRunnable(explicitDirectory)
                ? Path.GetFullPath(explicitDirectory)
                : throw new UsageException($"no runnable {AssemblyFile} (with its .runtimeconfig.json) in {explicitDirectory}");
        }

        var candidates = new List<string>();
        if (RepositoryRoot() is { } root)
        {
            var release = Path.Combine(root, "src", "Engines.E1.Extractor", "bin", "Release", "net10.0");
            var debug = Path.Combine(root, "src", "Engines.E1.Extractor", "bin", "Debug", "net10.0");
            var ownIsDebug = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
            candidates.AddRange(ownIsDebug ? [debug, release] : [release, debug]);
        }

        candidates.Add(AppContext.BaseDirectory);
        return candidates.FirstOrDefault(IsRunnable)
            ?? throw new UsageException($"no built E1 engine found (looked in {string.Join(", ", candidates)}); build it or pass --e1-dir");
    }

    public static E1Process Start(string directory, IReadOnlyDictionary<string, string> environment)
    {
        var host = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(directory, AssemblyFile));
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var e1 = new E1Process(process) { Directory = directory };
        process.OutputDataReceived += (_, e) => e1.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => e1.Keep(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("could not start the E1 process");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return e1;
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

    private static bool IsRunnable(string directory) =>
        File.Exists(Path.Combine(directory, AssemblyFile))
        && File.Exists(Path.Combine(directory, Path.ChangeExtension(AssemblyFile, ".runtimeconfig.json")));

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
