using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E2.Transformer.Transform;
using Viaduct.Testing;

namespace Viaduct.Engines.E2.Transformer.Tests.Support;

/// <summary>The real E2 host on a test database, its loop off unless asked for: tests drive batches themselves.</summary>
public sealed class E2Host : IAsyncDisposable
{
    public static readonly string TestCounties = Path.Combine(AppContext.BaseDirectory, "Fixtures", "test-counties.json");

    private readonly IHost _host;

    private E2Host(IHost host) => _host = host;

    public ResultTransformer Transformer => _host.Services.GetRequiredService<ResultTransformer>();

    public static async Task<E2Host> StartAsync(
        ViaductDatabase database, int batchSize = 1000, LogCapture? logs = null, bool loop = false, string? hostName = null,
        TimeSpan? pollInterval = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Viaduct"] = database.ConnectionString,
            ["E2:CountiesPath"] = TestCounties,
            ["E2:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["E2:WorkerEnabled"] = loop ? "true" : "false",
            ["E2:PollInterval"] = (pollInterval ?? TimeSpan.FromSeconds(30)).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.AddE2Transformer(logs is null ? null : logs.Configure);
        if (hostName is not null)
        {
            builder.Services.AddSingleton(new Shared.Data.Hosting.EngineIdentity(E2TransformerHostExtensions.EngineName, hostName));
        }

        var host = builder.Build();
        await host.StartAsync();
        return new E2Host(host);
    }

    /// <summary>Transforms batches until none is ready. Returns the number of results claimed.</summary>
    public async Task<int> DrainAsync()
    {
        var total = 0;
        int claimed;
        while ((claimed = await Transformer.TransformBatchAsync(CancellationToken.None)) > 0)
        {
            total += claimed;
        }

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
