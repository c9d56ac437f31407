namespace Viaduct.Engines.E5.Sync.CommCare;

/// <summary>
/// Where the CommCare Case API v2 is (section <c>CommCare</c>, the same keys E4 reads, so one setting serves both).
/// The defaults reach the local CommCare-like server as its default user.
/// </summary>
public sealed class SyncCommCareOptions
{
    public const string Section = "CommCare";

    public Uri BaseUrl { get; set; } = new("http://127.0.0.1:5080/");

    public string Username { get; set; } = "viaduct@example.org";

    public string ApiKey { get; set; } = "local-api-key";

    /// <summary>The longest one HTTP try may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a read after a transient failure (429, 5xx, 408, timeout, network error); 0 = none.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles, with jitter. A <c>Retry-After</c> header replaces it.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

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

        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || AttemptTimeout > TimeSpan.FromDays(1))
        {
            yield return $"CommCare:AttemptTimeout must be between 10 ms and one day (was {AttemptTimeout})";
        }

        if (MaxRetries is < 0 or > 10)
        {
            yield return $"CommCare:MaxRetries must be between 0 and 10 (was {MaxRetries})";
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(10))
        {
            yield return $"CommCare:RetryDelay must be between zero and ten minutes (was {RetryDelay})";
        }
    }
}
