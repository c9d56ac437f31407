using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E1.Extractor;
using Viaduct.Testing;

namespace Viaduct.Engines.E2.Transformer.Tests.Support;

/// <summary>A real E1 host with its SQS listener running, on the test's database and inbox: the producer of E2's work.</summary>
public static class E1Process
{
    public static async Task<IHost> StartAsync(ViaductDatabase database, S3Inbox inbox, LogCapture? logs = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(inbox);
        // The SDK's credential chain reads these; the emulator accepts any.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "test");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "test");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Viaduct"] = database.ConnectionString,
            ["Aws:ServiceUrl"] = inbox.ServiceUrl,
            ["E1:Bucket"] = inbox.Bucket,
            ["E1:InboxPrefix"] = S3Inbox.Prefix,
            ["E1:Queue"] = inbox.QueueUrl,
            ["E1:ReceiveWaitTime"] = "00:00:01",
            ["E1:SweepEnabled"] = "false",
            ["E1:CompactorEnabled"] = "false",
        });
        builder.AddE1Extractor(logs is null ? null : logs.Configure);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
