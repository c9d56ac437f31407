using System.ComponentModel.DataAnnotations;

namespace Viaduct.Dashboard;

/// <summary>The dashboard host's settings (section <c>Dashboard</c>; environment <c>Dashboard__Username</c> and so on).</summary>
public sealed class ViaductDashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// The user and password asked of requests that do not come from this machine, on /ops and /hangfire alike. With
    /// none set, only requests over loopback are let in.
    /// </summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// Whether a request over loopback that no proxy relayed gets in without credentials. Turn it off behind a proxy on
    /// this machine that does not say whom it relays (no <c>Forwarded</c> or <c>X-Forwarded-For</c> header).
    /// </summary>
    public bool TrustLoopback { get; set; } = true;

    /// <summary>How often the operator page reads the status again.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many of the latest files the page lists.</summary>
    [Range(1, 500)]
    public int LatestFiles { get; set; } = 20;

    /// <summary>How many parked and failed cases the page lists (it always shows the total).</summary>
    [Range(1, 1000)]
    public int ParkedCases { get; set; } = 50;

    public IEnumerable<string> Problems()
    {
        if (RefreshInterval < TimeSpan.FromSeconds(1) || RefreshInterval > TimeSpan.FromMinutes(10))
        {
            yield return $"{Section}:RefreshInterval must be between 00:00:01 and 00:10:00 (was {RefreshInterval})";
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            yield return $"{Section}:Username and {Section}:Password are set together";
        }

        if (!TrustLoopback && string.IsNullOrEmpty(Username))
        {
            yield return $"{Section}:TrustLoopback off needs {Section}:Username and {Section}:Password, or nobody gets in";
        }

        if (Username?.Contains(':', StringComparison.Ordinal) == true)
        {
            yield return $"{Section}:Username must not contain ':' (HTTP Basic separates user and password with it)";
        }
    }
}
