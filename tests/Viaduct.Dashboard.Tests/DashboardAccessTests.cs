using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using Viaduct.Dashboard.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.Dashboard.Tests;

/// <summary>Who gets in: the operator page and the Hangfire dashboard of the real host, over real HTTP, under one rule.</summary>
public sealed class DashboardAccessTests(ViaductDatabase database) : IClassFixture<ViaductDatabase>
{
    private static readonly string[] GuardedPaths = ["/hangfire", "/ops", "/ops/api/status", "/ops/ops.js"];

    [Fact]
    public async Task On_loopback_the_pages_answer_without_credentials()
    {
        await using var host = await StartWithCredentialsAsync();
        using var http = host.NewClient();

        foreach (var path in GuardedPaths)
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        }

        using var hangfire = await http.GetAsync(new Uri("/hangfire", UriKind.Relative));
        var page = await hangfire.Content.ReadAsStringAsync();
        Assert.Contains("Viaduct posting jobs", page, StringComparison.Ordinal);
        // Hangfire's "back to site" link leads to the operator page.
        Assert.Contains("href=\"/ops\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_another_address_the_pages_want_the_configured_credentials()
    {
        await using var host = await StartWithCredentialsAsync(s => s["urls"] = $"http://{NonLoopbackAddress()}:0");
        using var http = host.NewClient();

        foreach (var path in GuardedPaths)
        {
            await AssertWantsTheCredentialsAsync(http, path);
        }
    }

    [Fact]
    public async Task From_another_address_with_no_credentials_configured_nobody_gets_in()
    {
        await using var host = await DashboardHost.StartAsync(database.ConnectionString, s => s["urls"] = $"http://{NonLoopbackAddress()}:0");
        using var http = host.NewClient();

        foreach (var path in GuardedPaths)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = Basic("", "");
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path} answered {(int)response.StatusCode}");
        }
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("Forwarded", "for=203.0.113.7;proto=https")]
    [InlineData("X-Real-IP", "203.0.113.7")]
    public async Task On_loopback_a_request_a_proxy_relays_wants_the_credentials(string header, string value)
    {
        await using var host = await StartWithCredentialsAsync();
        using var http = host.NewClient();

        foreach (var path in GuardedPaths)
        {
            await AssertWantsTheCredentialsAsync(http, path, request => request.Headers.TryAddWithoutValidation(header, value));
        }
    }

    [Fact]
    public async Task With_loopback_not_trusted_a_request_from_this_machine_wants_the_credentials_too()
    {
        await using var host = await StartWithCredentialsAsync(s => s["Dashboard:TrustLoopback"] = "false");
        using var http = host.NewClient();

        foreach (var path in GuardedPaths)
        {
            await AssertWantsTheCredentialsAsync(http, path);
        }
    }

    [Fact]
    public async Task Loopback_not_trusted_without_credentials_stops_the_host_at_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            DashboardHost.StartAsync(database.ConnectionString, s => s["Dashboard:TrustLoopback"] = "false"));

        Assert.Contains("Dashboard:TrustLoopback off needs Dashboard:Username and Dashboard:Password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_without_a_password_stops_the_host_at_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            DashboardHost.StartAsync(database.ConnectionString, s => s["Dashboard:Username"] = "operator"));

        Assert.Contains("Dashboard:Username and Dashboard:Password are set together", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The host with the user <c>operator</c> and password <c>s3cret-pass</c>, and any other settings.</summary>
    private Task<DashboardHost> StartWithCredentialsAsync(Action<IDictionary<string, string?>>? configure = null) =>
        DashboardHost.StartAsync(database.ConnectionString, s =>
        {
            s["Dashboard:Username"] = "operator";
            s["Dashboard:Password"] = "s3cret-pass";
            configure?.Invoke(s);
        });

    /// <summary>Refused with a Basic challenge without credentials and with a wrong password; let in with the right ones.</summary>
    private static async Task AssertWantsTheCredentialsAsync(HttpClient http, string path, Action<HttpRequestMessage>? relay = null)
    {
        foreach (var (credentials, expected, what) in new (AuthenticationHeaderValue?, HttpStatusCode, string)[]
        {
            (null, HttpStatusCode.Unauthorized, "without credentials"),
            (Basic("operator", "guess"), HttpStatusCode.Unauthorized, "with a wrong password"),
            (Basic("operator", "s3cret-pass"), HttpStatusCode.OK, "with the right credentials"),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            relay?.Invoke(request);
            request.Headers.Authorization = credentials;
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == expected, $"{path} {what} answered {(int)response.StatusCode}");
            if (expected == HttpStatusCode.Unauthorized)
            {
                Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
            }
        }
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    // A request from this machine's own network address does not come over loopback: as a remote one would.
    private static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("this machine has no IPv4 address other than loopback to bind the dashboard to");
}
