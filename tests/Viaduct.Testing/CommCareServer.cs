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
using Npgsql;
using Viaduct.CommCare;
using Xunit;

namespace Viaduct.Testing;

/// <summary>
/// The real CommCare-like server (<c>src/Viaduct.CommCare</c>) on Kestrel, on 127.0.0.1 and a free port, against a
/// database of the caller's; and an HttpClient that talks to it over real HTTP with the test user's ApiKey. Tests of
/// any project (and the benchmark) start one to have something CommCare-shaped to post to.
/// </summary>
public sealed class CommCareServer : IAsyncDisposable
{
    /// <summary>The user every server started here knows, allowed in every domain.</summary>
    public const string Username = "e4@test.example";

    public const string ApiKey = "test-key-1";

    /// <summary>A second user, allowed only in the domain <see cref="LimitedDomain"/>.</summary>
    public const string LimitedUsername = "county-only@test.example";

    public const string LimitedApiKey = "test-key-2";

    public const string LimitedDomain = "county-a";

    private readonly WebApplication _app;

    private CommCareServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = NewClient(Username, ApiKey);
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address { get; }

    /// <summary>Authenticated as <see cref="Username"/>.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a server on a free loopback port, its cases in the database <paramref name="connectionString"/> names
    /// (the server creates its schema there). <paramref name="configure"/> may change any setting, e.g.
    /// <c>CommCare:PageSize</c> or <c>CommCare:Faults:FailureRate</c>.
    /// </summary>
    public static async Task<CommCareServer> StartAsync(
        string connectionString, Action<IDictionary<string, string?>>? configure = null, LogCapture? logs = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:CommCare"] = connectionString,
            ["CommCare:Users:0:Username"] = Username,
            ["CommCare:Users:0:ApiKey"] = ApiKey,
            ["CommCare:Users:1:Username"] = LimitedUsername,
            ["CommCare:Users:1:ApiKey"] = LimitedApiKey,
            ["CommCare:Users:1:Domains:0"] = LimitedDomain,
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

    /// <summary>Starts a server on <paramref name="database"/> (see the other overload).</summary>
    public static Task<CommCareServer> StartAsync(
        CommCareDatabase database, Action<IDictionary<string, string?>>? configure = null, LogCapture? logs = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        return StartAsync(database.ConnectionString, configure, logs);
    }

    /// <summary>
    /// The settings a Viaduct client needs to reach this server as <see cref="Username"/> (the <c>CommCare</c> section
    /// E4 reads): add them to a host's configuration.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ClientSettings() => new Dictionary<string, string?>
    {
        ["CommCare:BaseUrl"] = Address.ToString(),
        ["CommCare:Username"] = Username,
        ["CommCare:ApiKey"] = ApiKey,
    };

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

    /// <summary>Changes the fault settings through <c>PUT /_control/faults</c> (only what <paramref name="change"/> names).</summary>
    public async Task<JsonObject> ChangeFaultsAsync(object change)
    {
        using var response = await Client.PutAsJsonAsync("/_control/faults", change);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT /_control/faults answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Back to the configured fault settings with no script, and the request counts to zero.</summary>
    public async Task ResetFaultsAndStatsAsync()
    {
        using var faults = await Client.DeleteAsync("/_control/faults");
        Assert.True(faults.IsSuccessStatusCode, $"DELETE /_control/faults answered {(int)faults.StatusCode}");
        using var stats = await Client.DeleteAsync("/_control/stats");
        Assert.True(stats.IsSuccessStatusCode, $"DELETE /_control/stats answered {(int)stats.StatusCode}");
    }

    /// <summary><c>GET /_control/stats</c>: API requests since start or reset, by status, and the faults injected.</summary>
    public async Task<JsonObject> StatsAsync() => (await GetAsync("/_control/stats")).Body;

    public static StringContent Json(object body) =>
        new(body is string text ? text : JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>An empty database of one test class's own for a CommCare-like server, on the test PostgreSQL server; dropped afterwards.</summary>
public sealed class CommCareDatabase : IAsyncLifetime
{
    private string? _admin;

    public string Name { get; } = "commcare_test_" + Guid.NewGuid().ToString("N")[..12];

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _admin = await PostgresServer.AdminConnectionStringAsync();
        await ExecuteAsync(_admin, $"CREATE DATABASE {Name}");
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = Name, MaxPoolSize = 30 }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_admin is not null)
        {
            await ExecuteAsync(_admin, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
        }
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A database and one server for a test class (use as <c>IClassFixture</c>). Tests of a class share the server: each uses its own domain.</summary>
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
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    /// <summary>A project space no other test uses.</summary>
    public static string NewDomain() => "test-" + Guid.NewGuid().ToString("N")[..10];
}
