using System.ComponentModel.DataAnnotations;

namespace Viaduct.Engines.E3.Enqueuer;

/// <summary>E3's settings (section <c>E3</c>; environment <c>E3__CasesPerJob</c> and so on).</summary>
public sealed class E3Options
{
    public const string Section = "E3";

    /// <summary>Changed cases claimed per statement. Large, so that a claim still fills jobs after it is split over many domains.</summary>
    [Range(1, 20_000)]
    public int BatchSize { get; set; } = 5_000;

    /// <summary>
    /// Cases of one CommCare domain per posting job (1: a job per case). A job posts its cases in requests of up to
    /// 100 items and records an outcome per case, so batching saves Hangfire work without hiding a case.
    /// </summary>
    [Range(1, 100)]
    public int CasesPerJob { get; set; } = 100;

    /// <summary>Run the enqueue loop. Tests turn it off and drive batches themselves.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>LISTEN for E2's notification to enqueue at once.</summary>
    public bool ListenEnabled { get; set; } = true;

    /// <summary>How often to look for changed cases when no notification comes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A case claimed this long ago whose job was never recorded (the enqueuer died between the two steps) is made
    /// ready again. The job's own check keeps a case from being posted twice if the job did get created.
    /// </summary>
    public TimeSpan StaleClaimAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the rescue of stale claims runs.</summary>
    public TimeSpan RescueInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest pause after repeated failures of the loop.</summary>
    public TimeSpan MaxErrorBackoff { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<string> Problems()
    {
        if (PollInterval <= TimeSpan.Zero)
        {
            yield return $"E3:PollInterval must be positive (was {PollInterval})";
        }

        if (StaleClaimAfter < TimeSpan.FromSeconds(10))
        {
            yield return $"E3:StaleClaimAfter must be at least 10 seconds (was {StaleClaimAfter})";
        }

        if (RescueInterval <= TimeSpan.Zero)
        {
            yield return $"E3:RescueInterval must be positive (was {RescueInterval})";
        }

        if (MaxErrorBackoff < TimeSpan.FromSeconds(1))
        {
            yield return $"E3:MaxErrorBackoff must be at least one second (was {MaxErrorBackoff})";
        }
    }
}
