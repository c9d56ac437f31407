using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;

namespace Viaduct.Dashboard;

/// <summary>
/// Who may see the operators' pages (the operator page and the Hangfire dashboard alike): anyone on this machine (a
/// request over loopback), others only with the configured user and password (HTTP Basic). A refused request gets a
/// Basic challenge; with no credentials configured only loopback is let in.
/// </summary>
/// <remarks>
/// A reverse proxy on this machine makes every request arrive over loopback. One that says so (a <c>Forwarded</c>,
/// <c>X-Forwarded-For</c> or <c>X-Real-IP</c> header) relays someone else, who is asked for the credentials; for a
/// proxy that adds none of them, <paramref name="trustLoopback"/> false asks everyone.
/// </remarks>
public sealed class DashboardAccess(string? username, string? password, bool trustLoopback = true) : IDashboardAuthorizationFilter
{
    public const string Challenge = "Basic realm=\"Viaduct\"";

    private static readonly string[] ProxyHeaders = ["Forwarded", "X-Forwarded-For", "X-Real-IP"];

    /// <summary>The one rule. When it refuses, the response carries the challenge; the caller answers 401.</summary>
    public bool Allows(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (trustLoopback && IsLoopback(http.Connection.RemoteIpAddress) && !IsRelayed(http.Request))
        {
            return true;
        }

        if (username is { Length: > 0 } && password is { Length: > 0 } && HasCredentials(http.Request, username, password))
        {
            return true;
        }

        http.Response.Headers.WWWAuthenticate = Challenge;
        return false;
    }

    /// <summary>Hangfire's view of the same rule (Hangfire answers 401 itself).</summary>
    public bool Authorize(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Allows(context.GetHttpContext());
    }

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);

    private static bool IsRelayed(HttpRequest request) => ProxyHeaders.Any(request.Headers.ContainsKey);

    private static bool HasCredentials(HttpRequest request, string username, string password)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromBase64String(header["Basic ".Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = Encoding.UTF8.GetBytes($"{username}:{password}");
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
