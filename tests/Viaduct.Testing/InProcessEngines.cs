using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E1.Extractor;
using Viaduct.Engines.E2.Transformer;
using Viaduct.Engines.E2.Transformer.Transform;

namespace Viaduct.Testing;

/// <summary>The real E1 and E2 hosts, in-process on a test's database and inbox: the producers of later engines' work.</summary>
public static class InProcessEngines
{
    /// <summary>E1 with its SQS listener and replay worker running (sweep and compactor off), reporting every 200 ms.</summary>
    public static async Task<IHost> StartE1Async(
        ViaductDatabase database, S3Inbox inbox, Action<IDictionary<string, string?>>? configure = null, LogCapture? logs = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(inbox);
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
        return await StartE1Async(settings, logs);
    }

    /// <summary>E1 started with exactly these settings (connection string, inbox, loops and all).</summary>
    public static async Task<IHost> StartE1Async(IDictionary<string, string?> settings, LogCapture? logs = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // The SDK's credential chain reads these; the emulator accepts any.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "test");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "test");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddE1Extractor(logs is null ? null : logs.Configure);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Lets the real E2 (its loops off) transform every ready result, batch by batch, and stops it.</summary>
    public static async Task TransformAllAsync(ViaductDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
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
}
