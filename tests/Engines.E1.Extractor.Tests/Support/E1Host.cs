using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E1.Extractor.Events;
using Viaduct.Engines.E1.Extractor.Import;
using Viaduct.Engines.E1.Extractor.Sweep;
using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Support;

/// <summary>
/// The real E1 host, wired to the fixture's database and inbox, with its timers off: tests drive
/// <see cref="DrainAsync"/> and the sweep themselves.
/// </summary>
public sealed class E1Host : IAsyncDisposable
{
    private readonly IHost _host;

    private E1Host(IHost host) => _host = host;

    public S3EventListener Listener => _host.Services.GetRequiredService<S3EventListener>();
    public InboxSweeper Sweeper => _host.Services.GetRequiredService<InboxSweeper>();
    public FileImporter Importer => _host.Services.GetRequiredService<FileImporter>();
    public FileRegistry Registry => _host.Services.GetRequiredService<FileRegistry>();
    public LastSeenCompactor Compactor => _host.Services.GetRequiredService<LastSeenCompactor>();

    public static IDictionary<string, string?> Settings(DatabaseAndInbox fixture) => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Viaduct"] = fixture.Database.ConnectionString,
        ["Aws:ServiceUrl"] = fixture.Inbox.ServiceUrl,
        ["E1:Bucket"] = fixture.Inbox.Bucket,
        ["E1:InboxPrefix"] = S3Inbox.Prefix,
        ["E1:Queue"] = fixture.Inbox.QueueUrl,
        ["E1:ListenerEnabled"] = "false",
        ["E1:SweepEnabled"] = "false",
        ["E1:CompactorEnabled"] = "false",
        ["E1:ReceiveWaitTime"] = "00:00:01",
        ["E1:RetryDelay"] = "00:00:00",
        ["E1:MaxReceiveCount"] = fixture.Inbox.MaxReceiveCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["E1:SweepGracePeriod"] = "00:00:00",
    };

    public static async Task<E1Host> StartAsync(DatabaseAndInbox fixture, LogCapture? logs = null, Action<IDictionary<string, string?>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var settings = Settings(fixture);
        configure?.Invoke(settings);
        return new E1Host(await InProcessEngines.StartE1Async(settings, logs));
    }

    /// <summary>Receives and handles messages until a long poll comes back empty. Returns the number handled.</summary>
    public async Task<int> DrainAsync()
    {
        var total = 0;
        int received;
        while ((received = await Listener.ReceiveOnceAsync(CancellationToken.None)) > 0)
        {
            total += received;
        }

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
