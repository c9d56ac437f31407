using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Formatting.Compact;

namespace Viaduct.Shared.Data.Hosting;

public static class ViaductHostDefaults
{
    /// <summary>
    /// What every Viaduct host has: structured Serilog logs (compact JSON to stdout unless the
    /// <c>Serilog</c> section configures sinks; <c>Viaduct:LogFormat=text</c> for people), the engine's
    /// identity and the database.
    /// </summary>
    public static IHostApplicationBuilder AddViaductDefaults(
        this IHostApplicationBuilder builder, string engine, Action<LoggerConfiguration>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var identity = EngineIdentity.For(engine);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddViaductData(builder.Configuration);

        var configuration = builder.Configuration;
        // preserveStaticLogger: each host logs through its own logger, not the process-wide Log.Logger,
        // so hosts sharing a process (tests, benchmarks) never write into each other's sinks.
        builder.Services.AddSerilog(preserveStaticLogger: true, configureLogger: logger =>
        {
            // Every engine is a web host for /health and /metrics: a line per scrape would drown the engine's own
            // events. The Serilog section can still lower it.
            logger.MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
                .ReadFrom.Configuration(configuration)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Engine", identity.Engine)
                .Enrich.WithProperty("Host", identity.Host);
            if (configureLogging is not null)
            {
                configureLogging(logger);
            }
            else if (!configuration.GetSection("Serilog:WriteTo").Exists())
            {
                if (string.Equals(configuration["Viaduct:LogFormat"], "text", StringComparison.OrdinalIgnoreCase))
                {
                    logger.WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                }
                else
                {
                    logger.WriteTo.Console(new RenderedCompactJsonFormatter());
                }
            }
        });
        return builder;
    }
}
