using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Viaduct.CommCare.Api;
using Viaduct.CommCare.Control;
using Viaduct.CommCare.Faults;
using Viaduct.CommCare.Storage;

namespace Viaduct.CommCare;

public static class CommCareServerExtensions
{
    /// <summary>The name this server logs under (property <c>Engine</c>, like Viaduct's engines).</summary>
    public const string ServiceName = "commcare";

    /// <summary>
    /// Everything the CommCare-like server needs: options, Serilog, its database and schema, the API and its faults.
    /// Listens on <c>CommCare:Urls</c> (default <c>http://127.0.0.1:5080</c>) unless <c>--urls</c>/<c>ASPNETCORE_URLS</c> say otherwise.
    /// </summary>
    public static WebApplicationBuilder AddCommCareServer(this WebApplicationBuilder builder, Action<LoggerConfiguration>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CommCareServerOptions>()
            .BindConfiguration(CommCareServerOptions.Section)
            .PostConfigure(options =>
            {
                if (options.Users.Count == 0)
                {
                    options.Users.Add(new ApiUser { Username = CommCareServerOptions.DefaultUser.Username, ApiKey = CommCareServerOptions.DefaultUser.ApiKey });
                }
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CommCareServerOptions>, OptionsValidator>();

        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            var urls = builder.Configuration[$"{CommCareServerOptions.Section}:{nameof(CommCareServerOptions.Urls)}"];
            builder.WebHost.UseUrls(string.IsNullOrWhiteSpace(urls) ? CommCareServerOptions.DefaultUrls : urls);
        }

        AddLogging(builder, configureLogging);

        builder.Services.AddSingleton<CaseDatabase>();
        builder.Services.AddSingleton<CaseStore>();
        builder.Services.AddSingleton<CaseUpserts>();
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<RequestStats>();
        builder.Services.AddHostedService<CaseSchema>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        // Like Viaduct's own hosts: Prometheus text at /metrics, here the server's request figures.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Microsoft.AspNetCore.Hosting")
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>
    /// The gate (ApiKey auth, stats, faults), the case API, the control endpoints, <c>/health</c> (and <c>/live</c>,
    /// <c>/ready</c>) and <c>/metrics</c>.
    /// </summary>
    public static WebApplication MapCommCareServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ApiGate>();
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapPrometheusScrapingEndpoint("/metrics");
        CaseApiEndpoints.Map(app);
        ControlEndpoints.Map(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CommCareServerExtensions));
            var options = app.Services.GetRequiredService<IOptions<CommCareServerOptions>>().Value;
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            Log.Listening(logger, string.Join(", ", addresses), options.Users.Count);
            if (options.Users is [{ } only] && only.Username == CommCareServerOptions.DefaultUser.Username && only.ApiKey == CommCareServerOptions.DefaultUser.ApiKey)
            {
                Log.DefaultUser(logger, only.Username);
            }
        });
        return app;
    }

    private static void AddLogging(WebApplicationBuilder builder, Action<LoggerConfiguration>? configureLogging)
    {
        var configuration = builder.Configuration;
        // preserveStaticLogger: each host logs through its own logger, so hosts sharing a process (tests) keep apart.
        builder.Services.AddSerilog(preserveStaticLogger: true, configureLogger: logger =>
        {
            logger.MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                .MinimumLevel.Override("System", LogEventLevel.Warning)
                .ReadFrom.Configuration(configuration)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Engine", ServiceName)
                .Enrich.WithProperty("Host", Environment.MachineName);
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
    }

    private sealed class OptionsValidator : IValidateOptions<CommCareServerOptions>
    {
        public ValidateOptionsResult Validate(string? name, CommCareServerOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }

    private const string ReadyTag = "ready";

    private sealed class DatabaseHealthCheck(CaseDatabase database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = database.DataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("The database does not answer", e);
            }
        }
    }
}
