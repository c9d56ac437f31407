using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Viaduct.Engines.E1.Extractor;
using Viaduct.Engines.E2.Transformer;
using Viaduct.Engines.E3.Enqueuer;
using Viaduct.Engines.E4.Loader;
using Viaduct.Engines.E5.Sync;
using Viaduct.Shared.Data.Operations;
using Viaduct.Shared.Hosting;

namespace Viaduct.Operations.Tests.Support;

/// <summary>
/// One engine host built as its Program.cs builds it (<c>AddE&lt;n&gt;()</c>, <c>MapViaductOperations()</c>), on Kestrel
/// at 127.0.0.1 and a free port, with only the settings the test gives (no appsettings.json, no environment), and an
/// HttpClient for its operations endpoints.
/// </summary>
public sealed class RunningEngine : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private RunningEngine(string engine, WebApplication app, Uri address)
    {
        Engine = engine;
        _app = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The engine's name (<see cref="EngineNames"/>).</summary>
    public string Engine { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RunningEngine> StartAsync(
        string engine, IReadOnlyDictionary<string, string?> settings, Action<LoggerConfiguration>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        // The test's settings alone: the engines' appsettings.json files share one name in this output folder, and the
        // test command's environment names the shared inbox and database.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["urls"] = "http://127.0.0.1:0" });
        _ = engine switch
        {
            EngineNames.Extractor => builder.AddE1Extractor(configureLogging),
            EngineNames.Transformer => builder.AddE2Transformer(configureLogging),
            EngineNames.Enqueuer => builder.AddE3Enqueuer(configureLogging),
            EngineNames.Loader => builder.AddE4Loader(configureLogging),
            EngineNames.Sync => builder.AddE5Sync(configureLogging),
            _ => throw new ArgumentException($"no engine is named '{engine}'", nameof(engine)),
        };
        var app = builder.Build();
        app.MapViaductOperations();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningEngine(engine, app, new Uri(address));
    }

    /// <summary>GETs a health endpoint: its status code and JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonObject Body)> HealthAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)?.AsObject() ?? throw new InvalidOperationException($"{path} answered no JSON: {text}"));
    }

    /// <summary>GETs <c>/metrics</c> and parses it.</summary>
    public async Task<PrometheusScrape> ScrapeAsync()
    {
        using var response = await Http.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return PrometheusScrape.Parse(response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Scrapes until <paramref name="accept"/> holds (the exporter caches a scrape briefly, and gauges follow the status reporter).</summary>
    public Task<PrometheusScrape> ScrapeUntilAsync(Func<PrometheusScrape, bool> accept, string what, TimeSpan? timeout = null) =>
        Viaduct.Testing.Eventually.ReturnsAsync(ScrapeAsync, accept, timeout ?? TimeSpan.FromSeconds(15), what);

    /// <summary>Stops the host (its hosted services end; its last logs are written).</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
    }

    public override string ToString() => $"{Engine} at {Address}";
}
