namespace Viaduct.Engines.E4.Loader.CommCare;

/// <summary>
/// Where the CommCare Case API v2 is and how hard to try within one job attempt (section <c>CommCare</c>; environment
/// <c>CommCare__BaseUrl</c> and so on). The defaults reach the local CommCare-like server (<c>src/Viaduct.CommCare</c>)
/// as its default user. Retries here are few and short: Hangfire retries the job over days for the rest.
/// </summary>
public sealed class CommCareOptions
{
    public const string Section = "CommCare";

    /// <summary>The local CommCare-like server's default address.</summary>
    public const string DefaultBaseUrl = "http://127.0.0.1:5080/";

    /// <summary>The project's CommCare HQ (or the local server), e.g. <c>https://www.commcarehq.org/</c>; requests go to <c>a/{domain}/api/case/v2/</c> under it.</summary>
    public Uri BaseUrl { get; set; } = new(DefaultBaseUrl);

    /// <summary>The API user (<c>Authorization: ApiKey {Username}:{ApiKey}</c>); the default is the local server's default user.</summary>
    public string Username { get; set; } = "viaduct@example.org";

    public string ApiKey { get; set; } = "local-api-key";

    /// <summary>The longest one HTTP try may take; a try that takes longer is a transient failure (and retried).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a request after a transient failure (429, 5xx, 408, timeout, network error) within one job attempt; 0 = none.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles, with jitter. A <c>Retry-After</c> header replaces it.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

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

    public IEnumerable<string> Problems()
    {
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttp && BaseUrl.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"CommCare:BaseUrl must be an absolute http or https URL (was {BaseUrl})";
        }

        if (string.IsNullOrWhiteSpace(Username) || string.IsNullOrWhiteSpace(ApiKey))
        {
            yield return "CommCare:Username and CommCare:ApiKey must be set";
        }

        // The bounds below are the ones Polly checks when it builds the pipeline; named here so a bad setting stops the
        // host at start with its name rather than at the first request.
        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || AttemptTimeout > TimeSpan.FromDays(1))
        {
            yield return $"CommCare:AttemptTimeout must be between 10 ms and one day (was {AttemptTimeout})";
        }

        if (MaxRetries is < 0 or > 10)
        {
            yield return $"CommCare:MaxRetries must be between 0 and 10 (was {MaxRetries})";
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromDays(1))
        {
            yield return $"CommCare:RetryDelay must be between zero and one day (was {RetryDelay})";
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
