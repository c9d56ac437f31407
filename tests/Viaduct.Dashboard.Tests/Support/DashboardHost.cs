using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;

namespace Viaduct.Dashboard.Tests.Support;

/// <summary>The real dashboard host on Kestrel, in this process, on 127.0.0.1 and a free port unless told otherwise.</summary>
public sealed class DashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardHost(WebApplication app)
    {
        _app = app;
        Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the host on the database <paramref name="connectionString"/> names; <paramref name="configure"/> may change any setting.</summary>
    public static async Task<DashboardHost> StartAsync(string connectionString, Action<IDictionary<string, string?>>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Viaduct"] = connectionString,
            ["Dashboard:RefreshInterval"] = "00:00:01",
        };
        configure?.Invoke(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        // Only what goes wrong reaches the test output.
        builder.AddViaductDashboard(logging => logging.MinimumLevel.Warning().WriteTo.Console(LogEventLevel.Warning, formatProvider: System.Globalization.CultureInfo.InvariantCulture));
        var app = builder.Build();
        app.MapViaductDashboard();
        await app.StartAsync();
        return new DashboardHost(app);
    }

    public HttpClient NewClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
