using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;

namespace Viaduct.Engines.E4.Loader.Dashboard;

/// <summary>
/// Who may see the Hangfire dashboard: anyone on this machine (a request over loopback), others only with the
/// configured user and password (HTTP Basic). A refused request gets 401 with a Basic challenge.
/// </summary>
public sealed class DashboardAccess(string? username, string? password) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.GetHttpContext();
        if (IsLoopback(http.Connection.RemoteIpAddress))
        {
            return true;
        }

        if (username is { Length: > 0 } && password is { Length: > 0 } && HasCredentials(http.Request, username, password))
        {
            return true;
        }

        http.Response.Headers.WWWAuthenticate = "Basic realm=\"Viaduct\"";
        return false;
    }

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);

    private static bool HasCredentials(HttpRequest request, string username, string password)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string given;
        try
        {
            given = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = Encoding.UTF8.GetBytes($"{username}:{password}");
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected);
    }
}
