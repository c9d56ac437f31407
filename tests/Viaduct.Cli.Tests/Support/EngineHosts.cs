using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E5.Sync;
using Viaduct.Engines.E5.Sync.Sync;
using Viaduct.Testing;

namespace Viaduct.Cli.Tests.Support;

/// <summary>E5 in-process on a test's database and CommCare-like server (E1 and E2: <see cref="InProcessEngines"/>).</summary>
internal static class EngineHosts
{
    /// <summary>Starts E5 (its loop off) against the CommCare-like server and pulls every participating domain once.</summary>
    public static async Task SyncAllAsync(ViaductDatabase database, CommCareServer commCare)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(commCare.ClientSettings())
        {
            ["ConnectionStrings:Viaduct"] = database.ConnectionString,
            ["E5:WorkerEnabled"] = "false",
        });
        builder.AddE5Sync();
        using var e5 = builder.Build();
        await e5.StartAsync();
        var syncer = e5.Services.GetRequiredService<DomainSyncer>();
        await syncer.AddDomainsAsync(CancellationToken.None);
        await database.ExecuteAsync("UPDATE sync_cursors SET next_sync_at = now()");
        while (true)
        {
            var (outcome, domain) = await syncer.SyncNextAsync(CancellationToken.None);
            if (outcome == DomainSyncer.Outcome.NothingDue)
            {
                break;
            }

            Assert.True(outcome != DomainSyncer.Outcome.Failed, $"E5's pull of {domain} failed");
        }

        await e5.StopAsync();
    }

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        host.Dispose();
    }
}
