using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Viaduct.Engines.E2.Transformer.Counties;
using Viaduct.Engines.E2.Transformer.Transform;
using Viaduct.Shared.Data;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;
using Viaduct.Shared.Hosting;

namespace Viaduct.Engines.E2.Transformer;

public static class E2TransformerHostExtensions
{
    public const string EngineName = EngineNames.Transformer;

    /// <summary>Everything E2 needs: defaults, options, the county file, the transformer, its loop and its LISTEN connection.</summary>
    public static IHostApplicationBuilder AddE2Transformer(this IHostApplicationBuilder builder, Action<Serilog.LoggerConfiguration>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddViaductEngine(EngineName, configureLogging);

        builder.Services.AddValidatedOptions<E2Options>(E2Options.Section, o => o.Problems().Concat(File.Exists(o.ResolveCountiesPath()) ? [] : [$"E2:CountiesPath: no county file at {o.ResolveCountiesPath()}"]));

        builder.Services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IOptions<E2Options>>().Value.ResolveCountiesPath();
            var directory = CountyDirectory.Load(path);
            Log.CountiesLoaded(
                sp.GetRequiredService<ILogger<CountyDirectory>>(),
                path, directory.Counties.Count, directory.Counties.Count(c => c.Participating));
            return directory;
        });
        builder.Services.AddSingleton<ResultTransformer>();
        builder.Services.AddSingleton<WakeSignal>();
        builder.Services.AddHostedService<TransformWorker>();
        var settings = builder.Configuration.GetSection(E2Options.Section).Get<E2Options>() ?? new E2Options();
        if (settings is { WorkerEnabled: true, ListenEnabled: true })
        {
            builder.Services.AddNotificationListener(Notifications.TestResultsReady);
        }

        return builder;
    }
}
