using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Viaduct.Testing;

namespace Viaduct.Engines.E4.Loader.Tests.Outbound;

/// <summary>The Hangfire dashboard of the real E4 host, over real HTTP.</summary>
public sealed class DashboardTests
{
    [Fact]
    public async Task The_dashboard_answers_on_loopback_without_credentials()
    {
        await using var pipeline = await OutboundPipeline.StartAsync();
        var e4 = await pipeline.StartE4Async(s => s["E4:ServerEnabled"] = "false");
        using var http = new HttpClient { BaseAddress = Address(e4) };

        using var response = await http.GetAsync(new Uri("/hangfire", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Viaduct posting jobs", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bound_to_another_address_the_dashboard_wants_the_configured_credentials()
    {
        var address = NonLoopbackAddress();
        await using var pipeline = await OutboundPipeline.StartAsync();
        var e4 = await pipeline.StartE4Async(s =>
        {
            s["urls"] = $"http://{address}:0";
            s["E4:ServerEnabled"] = "false";
            s["E4:DashboardUsername"] = "operator";
            s["E4:DashboardPassword"] = "s3cret-pass";
        });
        using var http = new HttpClient { BaseAddress = Address(e4) };

        using var anonymous = await http.GetAsync(new Uri("/hangfire", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        wrong.Headers.Authorization = Basic("operator", "guess");
        using var refused = await http.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        right.Headers.Authorization = Basic("operator", "s3cret-pass");
        using var allowed = await http.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static Uri Address(Microsoft.AspNetCore.Builder.WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    // A request from this machine's own network address does not come over loopback: as a remote one would.
    private static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("this machine has no IPv4 address other than loopback to bind the dashboard to");
}
