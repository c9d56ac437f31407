namespace Viaduct.Shared.CommCare;

/// <summary>
/// Where the CommCare Case API v2 is and how hard one call tries (section <c>CommCare</c>; environment
/// <c>CommCare__BaseUrl</c> and so on). E4 and E5 read the same keys, so one setting serves both. The defaults reach
/// the local CommCare-like server (<c>src/Viaduct.CommCare</c>) as its default user.
/// </summary>
public class CommCareConnectionOptions
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

    /// <summary>Retries of a request after a transient failure (429, 5xx, 408, timeout, network error); 0 = none.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles, with jitter. A <c>Retry-After</c> header replaces it.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public virtual IEnumerable<string> Problems()
    {
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttp && BaseUrl.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"CommCare:BaseUrl must be an absolute http or https URL (was {BaseUrl})";
        }

        if (string.IsNullOrWhiteSpace(Username) || string.IsNullOrWhiteSpace(ApiKey))
        {
            yield return "CommCare:Username and CommCare:ApiKey must be set";
        }

        // The bounds below are the ones Polly checks when it builds a pipeline; named here so a bad setting stops the
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
    }

    /// <summary>
    /// Points <paramref name="http"/> at the API as this user: base address (with its closing slash), the ApiKey
    /// header, JSON, and a user agent naming <paramref name="product"/>. Its own overall timeout is off: each try is
    /// bounded by the resilience pipeline's timeout, and HttpClient's would only cut a legitimate Retry-After wait short.
    /// </summary>
    public void Configure(HttpClient http, string product)
    {
        ArgumentNullException.ThrowIfNull(http);
        var baseUrl = BaseUrl.ToString();
        http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
        http.Timeout = Timeout.InfiniteTimeSpan;
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("ApiKey", $"{Username}:{ApiKey}");
        http.DefaultRequestHeaders.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.UserAgent.Add(new System.Net.Http.Headers.ProductInfoHeaderValue(product, "1.0"));
    }
}
