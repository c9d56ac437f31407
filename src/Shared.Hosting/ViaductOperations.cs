using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Shared.Hosting;

/// <summary>
/// What every Viaduct host serves beside its work: <c>/health/live</c> (the process answers), <c>/health/ready</c>
/// (its dependencies answer: PostgreSQL, and whatever the host adds with the <see cref="ReadyTag"/>), <c>/health</c>
/// (both, with each check's result) and <c>/metrics</c> (Prometheus text, through OpenTelemetry).
/// </summary>
public static class ViaductOperations
{
    /// <summary>Checks with this tag decide readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// An engine host: <see cref="ViaductHostDefaults.AddViaductDefaults"/>, the engine's metrics and the reporter that
    /// writes its row in <c>engine_hosts</c>, health checks and the Prometheus exporter.
    /// </summary>
    public static IHostApplicationBuilder AddViaductEngine(
        this IHostApplicationBuilder builder, string engine, Action<Serilog.LoggerConfiguration>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddViaductDefaults(engine, configureLogging);
        builder.Services.AddValidatedOptions<OperationsOptions>(OperationsOptions.Section, o => o.Problems());
        builder.Services.AddSingleton<EngineMetrics>();
        builder.Services.AddHostedService<EngineStatusReporter>();
        return builder.AddViaductOperations();
    }

    /// <summary>Health checks (PostgreSQL for readiness) and OpenTelemetry metrics with the Prometheus exporter.</summary>
    public static IHostApplicationBuilder AddViaductOperations(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks()
            .AddNpgSql(name: "postgresql", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(5));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: "viaduct",
                serviceInstanceId: builder.Services.Where(s => s.ServiceType == typeof(EngineIdentity))
                    .Select(s => s.ImplementationInstance).OfType<EngineIdentity>().FirstOrDefault()?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(EngineMetrics.MeterName);
                ((IDeferredMeterProviderBuilder)metrics).Configure(KeepOwnEngineMeter);
                metrics.AddPrometheusExporter();
            });
        return builder;
    }

    // A provider listens to every meter of that name in the process; hosts sharing one (tests, benchmarks) would each
    // report the others' engines. Only the instruments of this host's own meter factory are kept.
    private static void KeepOwnEngineMeter(IServiceProvider services, MeterProviderBuilder provider)
    {
        var own = services.GetRequiredService<IMeterFactory>();
        provider.AddView(instrument =>
            instrument.Meter.Name == EngineMetrics.MeterName && !ReferenceEquals(instrument.Meter.Scope, own)
                ? MetricStreamConfiguration.Drop
                : null);
    }

    /// <summary>Maps <c>/health</c>, <c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapViaductOperations(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = HealthReportJson.WriteAsync,
        });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthReportJson.WriteAsync,
        });
        endpoints.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportJson.WriteAsync });
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }
}
