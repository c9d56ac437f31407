using Hangfire;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Viaduct.Dashboard.Operator;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Jobs;
using Viaduct.Shared.Data.Operations;
using Viaduct.Shared.Hosting;

namespace Viaduct.Dashboard;

public static class ViaductDashboardHostExtensions
{
    public const string HostName = "dashboard";

    public const string HangfirePath = "/hangfire";

    /// <summary>
    /// The dashboard never fetches jobs, so how often a worker would poll the queue does not matter here; the storage
    /// just wants a value.
    /// </summary>
    private static readonly TimeSpan UnusedQueuePollInterval = TimeSpan.FromSeconds(15);

    /// <summary>Everything the dashboard host needs: defaults, its settings, the status reader and Hangfire's storage (no server).</summary>
    public static WebApplicationBuilder AddViaductDashboard(this WebApplicationBuilder builder, Action<Serilog.LoggerConfiguration>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddViaductDefaults(HostName, configureLogging);
        builder.AddViaductOperations();
        // This host does no engine work: what it can tell about itself is how it answers its operators.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter("Microsoft.AspNetCore.Hosting"));
        builder.Services.AddValidatedOptions<ViaductDashboardOptions>(ViaductDashboardOptions.Section, o => o.Problems());
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ViaductDashboardOptions>>().Value;
            return new DashboardAccess(options.Username, options.Password, options.TrustLoopback);
        });
        builder.Services.AddSingleton<StatusReader>();

        var connectionString = builder.Configuration.GetConnectionString(ViaductDataServiceCollectionExtensions.ConnectionStringName) ?? "";
        builder.Services.AddSingleton<JobStorage>(_ => ViaductHangfire.Storage(connectionString, UnusedQueuePollInterval));
        // The dashboard middleware wants Hangfire registered; the storage above is passed to it, never made global.
        builder.Services.AddHangfire(_ => { });
        return builder;
    }

    /// <summary>
    /// Serves the operator page (/ops, and / leads there) and the Hangfire dashboard (/hangfire), both behind
    /// <see cref="DashboardAccess"/>; and, like every host, /health and /metrics.
    /// </summary>
    public static WebApplication MapViaductDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var access = app.Services.GetRequiredService<DashboardAccess>();
        app.UseHangfireDashboard(
            HangfirePath,
            new DashboardOptions
            {
                DashboardTitle = "Viaduct posting jobs",
                AppPath = OperatorPage.Path,
                Authorization = [access],
                DisplayStorageConnectionString = false,
            },
            app.Services.GetRequiredService<JobStorage>());
        app.MapGet("/", () => Results.Redirect(OperatorPage.Path)).ExcludeFromDescription();
        app.MapOperatorPage(access);
        app.MapViaductOperations();
        return app;
    }
}
