using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Viaduct.Engines.E5.Sync.CommCare;
using Viaduct.Shared.CommCare;
using Viaduct.Engines.E5.Sync.Sync;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;
using Viaduct.Shared.Hosting;

namespace Viaduct.Engines.E5.Sync;

public static class E5SyncHostExtensions
{
    public const string EngineName = EngineNames.Sync;

    private const string PollyLogLevelKey = "Serilog:MinimumLevel:Override:Polly";

    /// <summary>Everything E5 needs: defaults, options, the CommCare changes client (with retries and a per-try timeout), the syncer and its loops.</summary>
    public static IHostApplicationBuilder AddE5Sync(this IHostApplicationBuilder builder, Action<Serilog.LoggerConfiguration>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Polly reports every HTTP try at Information, one line per page read: Warning and up (retries, failures) unless
        // the configuration says otherwise.
        if (builder.Configuration[PollyLogLevelKey] is null)
        {
            builder.Configuration.AddInMemoryCollection([new(PollyLogLevelKey, "Warning")]);
        }

        builder.AddViaductEngine(EngineName, configureLogging);

        builder.Services.AddValidatedOptions<E5Options>(E5Options.Section, o => o.Problems());
        builder.Services.AddValidatedOptions<CommCareConnectionOptions>(CommCareConnectionOptions.Section, o => o.Problems());

        var http = builder.Services.AddHttpClient(CaseChangesClient.HttpClientName, (provider, client) =>
        {
            provider.GetRequiredService<IOptions<CommCareConnectionOptions>>().Value.Configure(client, "Viaduct-E5");
        });
        // The factory's default loggers write each request's URL; E5 logs domains and statuses instead.
        http.RemoveAllLoggers();
        http.AddResilienceHandler(CaseChangesClient.HttpClientName, (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<CommCareConnectionOptions>>().Value;
            if (options.MaxRetries > 0)
            {
                // Reads only: every retry is safe. The defaults retry 408, 429, 5xx, timeouts and network errors and honour Retry-After.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryDelay,
                    ShouldRetryAfterHeader = true,
                });
            }

            pipeline.AddTimeout(options.AttemptTimeout);
        });

        builder.Services.AddSingleton<CaseChangesClient>();
        builder.Services.AddSingleton<PageApplier>();
        builder.Services.AddSingleton<DomainSyncer>();
        builder.Services.AddHostedService<SyncWorker>();
        return builder;
    }
}
