using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E4.Loader.CommCare;

public static class CommCareServiceCollectionExtensions
{
    /// <summary>The name of the pipeline the client's HttpClient runs its requests through (in Polly's telemetry).</summary>
    public const string PipelineName = "commcare";

    /// <summary>
    /// Registers <see cref="ICommCareClient"/> as a typed HttpClient (IHttpClientFactory) with <see cref="CommCareOptions"/>
    /// bound from <paramref name="configuration"/>'s <c>CommCare</c> section and checked at start, and the resilience
    /// pipeline of <see cref="CommCareResilience"/> (retries, circuit breaker, per-try timeout). The circuit is shared
    /// by every client the container makes. Returns the HttpClient's builder for further handlers.
    /// </summary>
    public static IHttpClientBuilder AddCommCareClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<CommCareOptions>(configuration.GetSection(CommCareOptions.Section), o => o.Problems());
        services.TryAddSingleton(TimeProvider.System);

        var builder = services.AddHttpClient<ICommCareClient, CommCareClient>((provider, http) =>
        {
            provider.GetRequiredService<IOptions<CommCareOptions>>().Value.Configure(http, "Viaduct-E4");
        });

        // The factory's default loggers write each request's URL, and URLs carry external ids: CommCareClient logs
        // operations, domains and status codes instead.
        builder.RemoveAllLoggers();
        builder.AddResilienceHandler(PipelineName, (pipeline, context) =>
        {
            var provider = context.ServiceProvider;
            CommCareResilience.Configure(
                pipeline,
                provider.GetRequiredService<IOptions<CommCareOptions>>().Value,
                provider.GetRequiredService<ILogger<CommCareClient>>(),
                provider.GetRequiredService<TimeProvider>());
        });
        return builder;
    }
}
