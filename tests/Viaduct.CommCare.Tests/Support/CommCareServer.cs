using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Viaduct.Testing;

namespace Viaduct.CommCare.Tests.Support;

/// <summary>
/// The real server on Kestrel, on 127.0.0.1 and a free port, against a test database; and an HttpClient that talks
/// to it over real HTTP with the test user's ApiKey.
/// </summary>
public sealed class CommCareServer : IAsyncDisposable
{
    public const string Username = "e4@test.example";
    public const string ApiKey = "test-key-1";

    private readonly WebApplication _app;

    private CommCareServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = NewClient(Username, ApiKey);
    }

    public Uri Address { get; }

    /// <summary>Authenticated as <see cref="Username"/>.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<CommCareServer> StartAsync(
        CommCareDatabase database, Action<IDictionary<string, string?>>? configure = null, LogCapture? logs = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:CommCare"] = database.ConnectionString,
            ["CommCare:Users:0:Username"] = Username,
            ["CommCare:Users:0:ApiKey"] = ApiKey,
            ["CommCare:Users:1:Username"] = "county-only@test.example",
            ["CommCare:Users:1:ApiKey"] = "test-key-2",
            ["CommCare:Users:1:Domains:0"] = "county-a",
        };
        configure?.Invoke(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCommCareServer(logs is null ? null : logs.Configure);
        var app = builder.Build();
        app.MapCommCareServer();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new CommCareServer(app, new Uri(address));
    }

    public HttpClient NewClient(string? username, string? apiKey)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (username is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", $"{username}:{apiKey}");
        }

        return client;
    }

    /// <summary>POSTs a JSON body (a list or an object) to the domain's case API.</summary>
    public Task<HttpResponseMessage> PostCasesAsync(string domain, object body) =>
        Client.PostAsync($"/a/{domain}/api/case/v2/", Json(body));

    /// <summary>POSTs and expects 200; returns the answer.</summary>
    public async Task<JsonObject> UpsertAsync(string domain, object body)
    {
        using var response = await PostCasesAsync(domain, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<(int Status, JsonObject Body)> GetAsync(string pathAndQuery)
    {
        using var response = await Client.GetAsync(pathAndQuery);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    public async Task<JsonObject> ChangeFaultsAsync(object change)
    {
        using var response = await Client.PutAsJsonAsync("/_control/faults", change);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT /_control/faults answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static StringContent Json(object body) =>
        new(body is string text ? text : JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A database and one server for a test class. Tests of a class share the server: each uses its own domain.</summary>
public sealed class CommCareFixture : IAsyncLifetime
{
    public CommCareDatabase Database { get; } = new();

    public CommCareServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Server = await CommCareServer.StartAsync(Database);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>A project space no other test uses.</summary>
    public static string NewDomain() => "test-" + Guid.NewGuid().ToString("N")[..10];
}
