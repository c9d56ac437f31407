using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E1.Extractor;
using Viaduct.Engines.E2.Transformer;
using Viaduct.Engines.E2.Transformer.Transform;
using Viaduct.Engines.E5.Sync;
using Viaduct.Engines.E5.Sync.Sync;
using Viaduct.Testing;

namespace Viaduct.Cli.Tests.Support;

/// <summary>The real engines the commands are tested against, in-process on the test's database, inbox and CommCare-like server.</summary>
internal static class EngineHosts
{
    /// <summary>E1 with its SQS listener and its replay worker running (sweep and compactor off).</summary>
    public static async Task<IHost> StartE1Async(ViaductDatabase database, S3Inbox inbox, Action<IDictionary<string, string?>>? configure = null)
    {
        // The SDK's credential chain reads these; the emulator accepts any.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "test");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "test");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Viaduct"] = database.ConnectionString,
            ["Aws:ServiceUrl"] = inbox.ServiceUrl,
            ["E1:Bucket"] = inbox.Bucket,
            ["E1:InboxPrefix"] = S3Inbox.Prefix,
            ["E1:Queue"] = inbox.QueueUrl,
            ["E1:ReceiveWaitTime"] = "00:00:01",
            ["E1:SweepEnabled"] = "false",
            ["E1:CompactorEnabled"] = "false",
            ["Operations:ReportInterval"] = "00:00:00.200",
        };
        configure?.Invoke(settings);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddE1Extractor();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Lets the real E2 transform every ready result, batch by batch, and stops it.</summary>
    public static async Task TransformAllAsync(ViaductDatabase database)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Viaduct"] = database.ConnectionString,
            ["E2:WorkerEnabled"] = "false",
        });
        builder.AddE2Transformer();
        using var e2 = builder.Build();
        await e2.StartAsync();
        var transformer = e2.Services.GetRequiredService<ResultTransformer>();
        while (await transformer.TransformBatchAsync(CancellationToken.None) > 0)
        {
        }

        await e2.StopAsync();
    }

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
