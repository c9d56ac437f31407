using Viaduct.Testing;

namespace Viaduct.Engines.E2.Transformer.Tests.Support;

/// <summary>A fresh database and the real E2 step on it (its loop off) for every test.</summary>
public abstract class E2ScenarioTest : IAsyncLifetime
{
    protected ViaductDatabase Database { get; } = new();

    protected E2Host E2 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        E2 = await E2Host.StartAsync(Database);
    }

    public async Task DisposeAsync()
    {
        await E2.DisposeAsync();
        await Database.DisposeAsync();
    }
}
