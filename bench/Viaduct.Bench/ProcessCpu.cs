using System.Globalization;

namespace Viaduct.Bench;

/// <summary>CPU time of local processes from <c>/proc/PID/stat</c> (Linux), for splitting an import's time.</summary>
internal static class ProcessCpu
{
    // USER_HZ is 100 on every Linux platform .NET runs on.
    private const double TicksPerSecond = 100.0;

    /// <summary>User plus system CPU seconds of <paramref name="pid"/>, or null when it cannot be read.</summary>
    public static double? Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
            var user = long.Parse(fields[11], CultureInfo.InvariantCulture);
            var system = long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (user + system) / TicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>
/// The CPU the PostgreSQL server processes serving one database used over an interval: sampled on every poll,
/// so that a backend that ends in between still counts up to its last sample. Only meaningful for a local server.
/// </summary>
internal sealed class BackendCpu
{
    private readonly Dictionary<int, (double Start, double Last)> _backends = [];

    public bool Available { get; private set; } = true;

    public void Sample(IEnumerable<int> pids, bool baseline)
    {
        foreach (var pid in pids)
        {
            if (ProcessCpu.Seconds(pid) is not { } seconds)
            {
                Available = false;
                continue;
            }

            _backends[pid] = _backends.TryGetValue(pid, out var known) ? (known.Start, seconds) : (baseline ? seconds : 0, seconds);
        }
    }

    public double Seconds => _backends.Values.Sum(b => b.Last - b.Start);
}
