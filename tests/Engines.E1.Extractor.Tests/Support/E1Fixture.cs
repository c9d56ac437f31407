using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Support;

/// <summary>A database and an inbox (bucket + queue + dead-letter queue) of the test class's own.</summary>
public sealed class E1Fixture : IAsyncLifetime
{
    public ViaductDatabase Database { get; } = new();
    public S3Inbox Inbox { get; } = new();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await Inbox.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Inbox.DisposeAsync();
        await Database.DisposeAsync();
    }
}
