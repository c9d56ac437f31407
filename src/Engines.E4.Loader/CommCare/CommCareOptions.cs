using Viaduct.Shared.CommCare;

namespace Viaduct.Engines.E4.Loader.CommCare;

/// <summary>
/// The CommCare connection (<see cref="CommCareConnectionOptions"/>, shared with E5) and how hard E4 tries within one job
/// attempt: Retry-After, circuit breaker and error bodies. Retries here are few and short: Hangfire retries the job over
/// days for the rest.
/// </summary>
public sealed class CommCareOptions : CommCareConnectionOptions
{
    /// <summary>
    /// The longest <c>Retry-After</c> waited for inside a job. A response asking for longer is not retried here: it ends
    /// the try as a transient <see cref="CommCareException"/> carrying the delay, for Hangfire to retry the job later.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The circuit opens when at least this share of the tries in <see cref="BreakSamplingDuration"/> failed (5xx, 408, timeouts, network errors; not 429).</summary>
    public double BreakFailureRatio { get; set; } = 0.5;

    /// <summary>Tries needed in <see cref="BreakSamplingDuration"/> before the circuit may open.</summary>
    public int BreakMinimumThroughput { get; set; } = 10;

    /// <summary>The window over which the failure ratio is measured.</summary>
    public TimeSpan BreakSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses requests at once (a transient <see cref="CommCareException"/> without a status) before one try is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The most characters of an error response's body kept on <see cref="CommCareException.ResponseBody"/> (stored as a
    /// parked case's reason; never logged). <c>index_cases.post_error</c> keeps 2,000.
    /// </summary>
    public int MaxErrorBodyLength { get; set; } = 2_000;

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in base.Problems())
        {
            yield return problem;
        }

        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromDays(1))
        {
            yield return $"CommCare:MaxRetryAfter must be between zero and one day (was {MaxRetryAfter})";
        }

        if (!(BreakFailureRatio > 0 && BreakFailureRatio <= 1))
        {
            yield return $"CommCare:BreakFailureRatio must be above 0 and at most 1 (was {BreakFailureRatio})";
        }

        if (BreakMinimumThroughput < 2)
        {
            yield return $"CommCare:BreakMinimumThroughput must be at least 2 (was {BreakMinimumThroughput})";
        }

        if (BreakSamplingDuration < TimeSpan.FromMilliseconds(500) || BreakSamplingDuration > TimeSpan.FromDays(1)
            || BreakDuration < TimeSpan.FromMilliseconds(500) || BreakDuration > TimeSpan.FromDays(1))
        {
            yield return $"CommCare:BreakSamplingDuration and CommCare:BreakDuration must be between 0.5 s and one day (were {BreakSamplingDuration}, {BreakDuration})";
        }

        if (MaxErrorBodyLength is < 0 or > 100_000)
        {
            yield return $"CommCare:MaxErrorBodyLength must be between 0 and 100000 (was {MaxErrorBodyLength})";
        }
    }
}
