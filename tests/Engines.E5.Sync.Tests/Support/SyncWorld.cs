using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E5.Sync.Sync;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Testing;

namespace Viaduct.Engines.E5.Sync.Tests.Support;

/// <summary>
/// A test database, a real CommCare-like server keeping its cases in the same database, counties of the test's own,
/// and E5 hosts started against both (their loops off unless asked for, so a test drives pulls itself).
/// </summary>
public sealed class SyncWorld : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];

    private SyncWorld(ViaductDatabase database, CommCareServer commCare)
    {
        Database = database;
        CommCare = commCare;
    }

    public ViaductDatabase Database { get; }
    public CommCareServer CommCare { get; }

    public static async Task<SyncWorld> StartAsync()
    {
        var database = new ViaductDatabase();
        await database.InitializeAsync();
        var commCare = await CommCareServer.StartAsync(database.ConnectionString);
        return new SyncWorld(database, commCare);
    }

    /// <summary>Adds a participating county whose cases go to <paramref name="domain"/>.</summary>
    public Task AddCountyAsync(string fips, string domain, bool participating = true) =>
        Database.ExecuteAsync(
            "INSERT INTO counties (fips, name, domain, location_id, participating, statewide) VALUES ($1, $2, $3, $4, $5, false)",
            fips, "County " + fips, domain, "loc-" + fips, participating);

    /// <summary>Starts an E5 host. <paramref name="configure"/> may change any setting (loops are off by default).</summary>
    /// <param name="hostName">The host name the engine records (hosts of one test process would otherwise share one).</param>
    public async Task<IHost> StartE5Async(Action<IDictionary<string, string?>>? configure = null, LogCapture? logs = null, string? hostName = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var settings = new Dictionary<string, string?>(CommCare.ClientSettings())
        {
            ["ConnectionStrings:Viaduct"] = Database.ConnectionString,
            ["E5:WorkerEnabled"] = "false",
            ["E5:PollInterval"] = "00:00:00.200",
            ["E5:ClaimInterval"] = "00:00:00.050",
            ["CommCare:RetryDelay"] = "00:00:00.050",
        };
        configure?.Invoke(settings);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddE5Sync(logs is null ? null : logs.Configure);
        if (hostName is not null)
        {
            builder.Services.AddSingleton(new EngineIdentity(E5SyncHostExtensions.EngineName, hostName));
        }
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        _hosts.Add(host);
        return host;
    }

    /// <summary>Registers the participating domains and pulls every due domain once.</summary>
    public static async Task<List<(DomainSyncer.Outcome Outcome, string? Domain)>> SyncAllAsync(IHost e5, bool allowFailures = false)
    {
        var syncer = e5.Services.GetRequiredService<DomainSyncer>();
        await syncer.AddDomainsAsync(CancellationToken.None);
        // Due now, whatever an earlier pull set.
        await using (var connection = await e5.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().OpenConnectionAsync())
        await using (var command = new Npgsql.NpgsqlCommand("UPDATE sync_cursors SET next_sync_at = now()", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        var outcomes = new List<(DomainSyncer.Outcome, string?)>();
        while (true)
        {
            var step = await syncer.SyncNextAsync(CancellationToken.None);
            if (step.Outcome == DomainSyncer.Outcome.NothingDue)
            {
                return outcomes;
            }

            if (step.Outcome == DomainSyncer.Outcome.Failed && !allowFailures)
            {
                await using var connection = await e5.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().OpenConnectionAsync();
                await using var command = new Npgsql.NpgsqlCommand("SELECT last_error FROM sync_cursors WHERE domain = $1", connection);
                command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = step.Domain! });
                throw new InvalidOperationException($"the pull of {step.Domain} failed: {await command.ExecuteScalarAsync()}");
            }

            outcomes.Add(step);
        }
    }

    /// <summary>
    /// Makes <paramref name="count"/> people with an index case each in <paramref name="fips"/>, as E2 and E4 would leave
    /// them: posted to <paramref name="domain"/> at version 1 with CommCare's case id stored. Returns the local case ids.
    /// </summary>
    public async Task<List<long>> SeedPostedCasesAsync(string fips, string domain, int count, string tag = "")
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var personId = await Database.ScalarAsync<long>(
                "INSERT INTO people (patient_keys, created_by) VALUES ($1, 'test') RETURNING id", (object)new[] { $"K{tag}{i}-{Guid.NewGuid():N}" });
            var externalId = "P" + personId.ToString(CultureInfo.InvariantCulture);
            var properties = new Dictionary<string, string>
            {
                ["first_name"] = "Test", ["last_name"] = "Person" + i.ToString(CultureInfo.InvariantCulture), ["fips"] = fips,
                ["address_city"] = "Albany",
            };
            var answer = await CommCare.UpsertAsync(domain, new[]
            {
                new { case_type = "patient", case_name = "Test Person", owner_id = "loc-" + fips, external_id = externalId, properties },
            });
            var caseId = answer["cases"]![0]!["case_id"]!.GetValue<string>();
            ids.Add(await Database.ScalarAsync<long>("""
                INSERT INTO index_cases (person_id, county_fips, external_id, case_id, properties, postable, version, enqueued_version,
                    posted_version, post_state, posted_domain, created_by)
                VALUES ($1, $2, $3, $4, $5::jsonb, true, 1, 1, 1, 'posted', $6, 'test') RETURNING id
                """, personId, fips, externalId, caseId, System.Text.Json.JsonSerializer.Serialize(properties), domain));
        }

        return ids;
    }

    /// <summary>Edits a case in CommCare as a person would: by its external id.</summary>
    public Task<JsonObject> EditRemotelyAsync(string domain, string externalId, Dictionary<string, string> properties) =>
        CommCare.UpsertAsync(domain, new[] { new { external_id = externalId, properties } });

    /// <summary>API requests the CommCare-like server answered since start or the last reset.</summary>
    public async Task<long> RequestsAsync() => (await CommCare.StatsAsync())["requests"]!.GetValue<long>();

    /// <summary>Postable cases E3 would take now (its ready predicate).</summary>
    public Task<long> ReadyForE3Async() => Database.ScalarAsync<long>(
        "SELECT count(*) FROM index_cases WHERE postable AND version > enqueued_version AND (post_state IS NULL OR post_state = 'posted')");

    public async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        host.Dispose();
        _hosts.Remove(host);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }

        await CommCare.DisposeAsync();
        await Database.DisposeAsync();
    }
}
