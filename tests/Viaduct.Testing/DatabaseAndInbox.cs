using Xunit;

namespace Viaduct.Testing;

/// <summary>
/// A database and an inbox (bucket + queue + dead-letter queue) of their own: a class fixture for tests that share
/// them, or a field of a test class that wants a fresh pair for every test.
/// </summary>
public sealed class DatabaseAndInbox : IAsyncLifetime
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
