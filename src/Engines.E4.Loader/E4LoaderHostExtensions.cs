using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Viaduct.Engines.E4.Loader.CommCare;
using Viaduct.Engines.E4.Loader.Dashboard;
using Viaduct.Engines.E4.Loader.Posting;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Jobs;

namespace Viaduct.Engines.E4.Loader;

public static class E4LoaderHostExtensions
{
    public const string EngineName = "e4-loader";

    /// <summary>Everything E4 needs: defaults, options, the CommCare client, the posting job and this host's Hangfire server.</summary>
    public static WebApplicationBuilder AddE4Loader(this WebApplicationBuilder builder, Action<Serilog.LoggerConfiguration>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddViaductDefaults(EngineName, configureLogging);

        builder.Services.AddValidatedOptions<E4Options>(E4Options.Section, o => o.Problems());

        var connectionString = builder.Configuration.GetConnectionString(ViaductDataServiceCollectionExtensions.ConnectionStringName) ?? "";
        var settings = builder.Configuration.GetSection(E4Options.Section).Get<E4Options>() ?? new E4Options();
        builder.Services.AddSingleton<JobStorage>(_ => ViaductHangfire.Storage(connectionString, settings.QueuePollInterval, settings.InvisibilityTimeout));
        // The dashboard middleware wants Hangfire registered; this host's server and filters are its own (PostingServer).
        builder.Services.AddHangfire(_ => { });

        builder.Services.AddCommCareClient(builder.Configuration);
        builder.Services.AddSingleton<CaseRouter>();
        builder.Services.AddScoped<ICasePostingJob, CasePostingJob>();
        builder.Services.AddHostedService<PostingServer>();
        return builder;
    }

    /// <summary>Serves the Hangfire dashboard: to this machine freely, to others only with the configured credentials.</summary>
    public static WebApplication MapE4Loader(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<E4Options>>().Value;
        app.UseHangfireDashboard(
            options.DashboardPath,
            new DashboardOptions
            {
                DashboardTitle = "Viaduct posting jobs",
                Authorization = [new DashboardAccess(options.DashboardUsername, options.DashboardPassword)],
                DisplayStorageConnectionString = false,
            },
            app.Services.GetRequiredService<JobStorage>());
        return app;
    }
}
