using System.ComponentModel.DataAnnotations;

namespace Viaduct.Engines.E2.Transformer;

/// <summary>E2's settings (section <c>E2</c>; environment <c>E2__BatchSize</c> and so on).</summary>
public sealed class E2Options
{
    public const string Section = "E2";

    /// <summary>
    /// The county file (JSON; see counties.json for the shape). A relative path is taken from the application's
    /// folder, where the shipped file with the 62 New York counties is.
    /// </summary>
    [Required]
    public string CountiesPath { get; set; } = "counties.json";

    /// <summary>Results claimed and committed together.</summary>
    [Range(1, 20_000)]
    public int BatchSize { get; set; } = 1_000;

    /// <summary>
    /// Transform loops in this process. While one waits for PostgreSQL the other matches in memory, so two keep both
    /// of a small machine's cores busy; more replicas on more hosts scale the same way.
    /// </summary>
    [Range(1, 16)]
    public int Workers { get; set; } = 2;

    /// <summary>Run the transform loop. Tests turn it off and drive batches themselves.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>LISTEN for E1's notification to start on new results at once.</summary>
    public bool ListenEnabled { get; set; } = true;

    /// <summary>How often to look for results when no notification comes (a lost one costs at most this).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest pause after repeated failures of the loop.</summary>
    public TimeSpan MaxErrorBackoff { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<string> Problems()
    {
        if (PollInterval <= TimeSpan.Zero)
        {
            yield return $"E2:PollInterval must be positive (was {PollInterval})";
        }

        if (MaxErrorBackoff < TimeSpan.FromSeconds(1))
        {
            yield return $"E2:MaxErrorBackoff must be at least one second (was {MaxErrorBackoff})";
        }
    }

    /// <summary>The county file's full path.</summary>
    public string ResolveCountiesPath() =>
        Path.IsPathRooted(CountiesPath) ? CountiesPath : Path.Combine(AppContext.BaseDirectory, CountiesPath);
}
