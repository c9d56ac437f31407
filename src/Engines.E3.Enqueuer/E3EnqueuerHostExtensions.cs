using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Viaduct.Shared.Data;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;
using Viaduct.Shared.Hosting;
using Viaduct.Shared.Data.Jobs;

namespace Viaduct.Engines.E3.Enqueuer;

public static class E3EnqueuerHostExtensions
{
    public const string EngineName = EngineNames.Enqueuer;

    /// <summary>Everything E3 needs: defaults, options, a Hangfire client on Viaduct's job storage, the enqueuer and its loops.</summary>
    public static IHostApplicationBuilder AddE3Enqueuer(this IHostApplicationBuilder builder, Action<Serilog.LoggerConfiguration>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddViaductEngine(EngineName, configureLogging);

        builder.Services.AddValidatedOptions<E3Options>(E3Options.Section, o => o.Problems());

        var connectionString = builder.Configuration.GetConnectionString(ViaductDataServiceCollectionExtensions.ConnectionStringName) ?? "";
        builder.Services.AddSingleton<JobStorage>(_ => ViaductHangfire.Storage(connectionString, TimeSpan.FromSeconds(1)));
        builder.Services.AddSingleton<IBackgroundJobClient>(sp => new BackgroundJobClient(sp.GetRequiredService<JobStorage>()));
        builder.Services.AddSingleton<CaseEnqueuer>();
        builder.Services.AddSingleton<WakeSignal>();
        builder.Services.AddHostedService<EnqueueWorker>();

        var settings = builder.Configuration.GetSection(E3Options.Section).Get<E3Options>() ?? new E3Options();
        if (settings is { WorkerEnabled: true, ListenEnabled: true })
        {
            builder.Services.AddNotificationListener(Notifications.IndexCasesChanged);
        }

        return builder;
    }
}
