using System.Text.RegularExpressions;

namespace Viaduct.CommCare;

/// <summary>
/// The CommCare-like server's settings (section <c>CommCare</c>; environment <c>CommCare__Schema</c> and so on).
/// The database comes from <c>ConnectionStrings:CommCare</c>, else <c>ConnectionStrings:Viaduct</c>.
/// </summary>
public sealed partial class CommCareServerOptions
{
    public const string Section = "CommCare";

    /// <summary>Where Kestrel listens when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> says otherwise.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>The user every local run has when no user is configured.</summary>
    public static readonly ApiUser DefaultUser = new() { Username = "viaduct@example.org", ApiKey = "local-api-key" };

    /// <summary>The listen addresses (semicolon-separated), used when the host's own <c>urls</c> setting is empty.</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>The PostgreSQL schema the server creates and owns (lower-case letters, digits and underscores).</summary>
    public string Schema { get; set; } = "commcare";

    /// <summary>
    /// Who may call the API: <c>Authorization: ApiKey &lt;username&gt;:&lt;api_key&gt;</c>. When none is configured,
    /// <see cref="DefaultUser"/> is the one user.
    /// </summary>
    public List<ApiUser> Users { get; set; } = [];

    /// <summary>Cases per page of the changes list when the request names no <c>limit</c>.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>The largest <c>limit</c> a list request may ask for (CommCare HQ allows 5,000).</summary>
    public int MaxPageSize { get; set; } = 5000;

    /// <summary>Cases one upsert request may carry (CommCare HQ allows 100).</summary>
    public int MaxCasesPerRequest { get; set; } = 100;

    /// <summary>The faults in force at start; the control endpoint changes them at run time.</summary>
    public FaultOptions Faults { get; set; } = new();

    internal IEnumerable<string> Problems()
    {
        if (!SchemaName().IsMatch(Schema ?? ""))
            yield return "CommCare:Schema must be 1 to 63 lower-case letters, digits or underscores, starting with a letter or underscore";
        if (PageSize < 1)
            yield return "CommCare:PageSize must be at least 1";
        if (MaxPageSize < PageSize)
            yield return "CommCare:MaxPageSize must be at least PageSize";
        if (MaxCasesPerRequest < 1)
            yield return "CommCare:MaxCasesPerRequest must be at least 1";
        foreach (var (user, index) in Users.Select((user, index) => (user, index)))
        {
            if (string.IsNullOrWhiteSpace(user.Username) || user.Username.Contains(':', StringComparison.Ordinal))
                yield return $"CommCare:Users:{index}:Username must be set and must not contain ':'";
            if (string.IsNullOrWhiteSpace(user.ApiKey))
                yield return $"CommCare:Users:{index}:ApiKey must be set";
        }

        if (Users.Select(user => user.Username).Distinct(StringComparer.OrdinalIgnoreCase).Count() != Users.Count)
            yield return "CommCare:Users names a username twice";
        foreach (var problem in Faults.Problems("CommCare:Faults"))
            yield return problem;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}

/// <summary>One API user: a CommCare web user's name and API key.</summary>
public sealed class ApiUser
{
    public string Username { get; set; } = "";

    public string ApiKey { get; set; } = "";

    /// <summary>The project spaces (domains) the user may use; empty means every domain.</summary>
    public List<string> Domains { get; set; } = [];
}

/// <summary>
/// Faults the server injects into API requests (<c>/a/...</c>), after authentication and before any work:
/// all off by default.
/// </summary>
public sealed class FaultOptions
{
    /// <summary>Share of requests (0 to 1) answered with one of <see cref="FailureStatusCodes"/>, picked at random.</summary>
    public double FailureRate { get; set; }

    /// <summary>The server errors a failure answers with, picked at random: 500, 502, 503 or 504; empty means 500 and 503.</summary>
    public List<int> FailureStatusCodes { get; set; } = [];

    /// <summary>Share of requests (0 to 1) answered 429 with a <c>Retry-After</c> header of <see cref="RetryAfter"/>.</summary>
    public double ThrottleRate { get; set; }

    /// <summary>The <c>Retry-After</c> of a 429, sent in whole seconds (rounded up).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Share of upserts (0 to 1) that are applied and committed and then answered 500, as when a response is lost
    /// on the way back: the client cannot tell, and must be able to post the same cases again.
    /// </summary>
    public double FailAfterApplyRate { get; set; }

    /// <summary>A delay before every API request is handled.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>Only requests with these HTTP methods see faults; empty means all.</summary>
    public List<string> Methods { get; set; } = [];

    /// <summary>Seeds the random draws so that a run's sequence of faults repeats; unset draws differ every run.</summary>
    public int? Seed { get; set; }

    internal static readonly int[] DefaultFailureStatusCodes = [500, 503];

    internal static readonly int[] AllowedFailureStatusCodes = [500, 502, 503, 504];

    /// <summary>Refusals a fault script may answer once, to try a client's handling of permanent errors.</summary>
    internal static readonly int[] ScriptableRefusalStatusCodes = [400, 401, 403, 404, 422];

    internal IEnumerable<string> Problems(string prefix)
    {
        if (double.IsNaN(FailureRate) || FailureRate is < 0 or > 1)
            yield return $"{prefix}:FailureRate must be between 0 and 1";
        if (double.IsNaN(ThrottleRate) || ThrottleRate is < 0 or > 1)
            yield return $"{prefix}:ThrottleRate must be between 0 and 1";
        if (FailureRate + ThrottleRate > 1)
            yield return $"{prefix}:FailureRate and ThrottleRate must add up to at most 1";
        if (double.IsNaN(FailAfterApplyRate) || FailAfterApplyRate is < 0 or > 1)
            yield return $"{prefix}:FailAfterApplyRate must be between 0 and 1";
        if (FailureStatusCodes.Any(code => !AllowedFailureStatusCodes.Contains(code)))
            yield return $"{prefix}:FailureStatusCodes may hold only 500, 502, 503 and 504";
        if (RetryAfter < TimeSpan.Zero || RetryAfter > TimeSpan.FromDays(1))
            yield return $"{prefix}:RetryAfter must be between 0 and one day";
        if (Latency < TimeSpan.Zero || Latency > TimeSpan.FromMinutes(10))
            yield return $"{prefix}:Latency must be between 0 and 10 minutes";
        if (Methods.Any(method => !HttpMethods.IsGet(method) && !HttpMethods.IsPost(method) && !HttpMethods.IsPut(method)))
            yield return $"{prefix}:Methods may hold only GET, POST and PUT";
    }
}
