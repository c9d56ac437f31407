using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E2.Transformer;
using Viaduct.Engines.E2.Transformer.Transform;
using Viaduct.Engines.E3.Enqueuer;
using Viaduct.Engines.E4.Loader;
using Viaduct.Samples;
using Viaduct.Testing;

namespace Viaduct.Engines.E5.Sync.Tests.Support;

/// <summary>
/// The outbound half on real parts, so E5 meets cases exactly as E2 makes and E4 posts them: synthetic results through
/// the real E2, the real E3 (loop off: the test enqueues) and the real E4 (Hangfire server) posting to the world's
/// CommCare-like server.
/// </summary>
public sealed class Outbound : IAsyncDisposable
{
    private readonly SyncWorld _world;
    private readonly IHost _e3;
    private WebApplication? _e4;

    private Outbound(SyncWorld world, IHost e3)
    {
        _world = world;
        _e3 = e3;
    }

    public CaseEnqueuer Enqueuer => _e3.Services.GetRequiredService<CaseEnqueuer>();

    public static async Task<Outbound> StartAsync(SyncWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Viaduct"] = world.Database.ConnectionString,
            ["E3:WorkerEnabled"] = "false",
        });
        builder.AddE3Enqueuer();
        var e3 = builder.Build();
        await e3.StartAsync();
        return new Outbound(world, e3);
    }

    /// <summary>Stores synthetic results and lets the real E2 make people, cases and lab results of them.</summary>
    public async Task TransformAsync(int rows, int seed)
    {
        await StoredResults.AddAsync(_world.Database, [.. Enumerable.Range(0, rows).Select(i => SyntheticEclrs.Row(seed, i))]);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Viaduct"] = _world.Database.ConnectionString,
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

    /// <summary>Enqueues every changed postable case (the real E3 step). Returns how many.</summary>
    public async Task<int> EnqueueAllAsync()
    {
        var total = 0;
        int claimed;
        while ((claimed = await Enqueuer.EnqueueBatchAsync(CancellationToken.None)) > 0)
        {
            total += claimed;
        }

        return total;
    }

    /// <summary>Starts E4 if needed and waits until no case waits for its job.</summary>
    public async Task PostAllAsync(TimeSpan timeout)
    {
        if (_e4 is null)
        {
            var settings = new Dictionary<string, string?>(_world.CommCare.ClientSettings())
            {
                ["urls"] = "http://127.0.0.1:0",
                ["ConnectionStrings:Viaduct"] = _world.Database.ConnectionString,
                ["E4:WorkerCount"] = "4",
                ["E4:QueuePollInterval"] = "00:00:00.100",
                ["E4:SchedulePollingInterval"] = "00:00:00.500",
            };
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
            builder.Configuration.AddInMemoryCollection(settings);
            builder.AddE4Loader();
            _e4 = builder.Build();
            _e4.MapE4Loader();
            await _e4.StartAsync();
        }

        await Eventually.ReturnsAsync(
            () => _world.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE post_state = 'enqueued'"), n => n == 0, timeout,
            "every enqueued case to be posted");
    }

    public async ValueTask DisposeAsync()
    {
        if (_e4 is not null)
        {
            await _e4.StopAsync();
            await _e4.DisposeAsync();
        }

        await _e3.StopAsync();
        _e3.Dispose();
    }
}
