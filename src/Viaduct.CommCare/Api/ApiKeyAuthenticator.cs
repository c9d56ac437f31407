using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Viaduct.CommCare.Api;

/// <summary>Checks <c>Authorization: ApiKey &lt;username&gt;:&lt;api_key&gt;</c> against the configured users.</summary>
internal sealed class ApiKeyAuthenticator
{
    private readonly Dictionary<string, ApiUser> _users;

    public ApiKeyAuthenticator(IOptions<CommCareServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _users = options.Value.Users.ToDictionary(user => user.Username, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The user the header names, when its key is right; null otherwise.</summary>
    public ApiUser? Authenticate(string? authorization)
    {
        const string scheme = "ApiKey ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var credentials = authorization.AsSpan(scheme.Length).Trim();
        var colon = credentials.IndexOf(':');
        if (colon <= 0 || !_users.TryGetValue(credentials[..colon].ToString(), out var user))
        {
            return null;
        }

        var given = Encoding.UTF8.GetBytes(credentials[(colon + 1)..].ToString());
        var expected = Encoding.UTF8.GetBytes(user.ApiKey);
        return CryptographicOperations.FixedTimeEquals(given, expected) ? user : null;
    }

    public static bool MayUse(ApiUser user, string domain)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Domains.Count == 0 || user.Domains.Contains(domain, StringComparer.OrdinalIgnoreCase);
    }
}
