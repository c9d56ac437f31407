using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        services.AddOptions<CommCareOptions>()
            .Bind(configuration.GetSection(CommCareOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CommCareOptions>, CommCareOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        var builder = services.AddHttpClient<ICommCareClient, CommCareClient>((provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<CommCareOptions>>().Value;
            var baseUrl = options.BaseUrl.ToString();
            http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
            // Each try is bounded by the pipeline's timeout and the tries and delays are bounded in number and length:
            // HttpClient's own overall timeout would only cut a legitimate Retry-After wait short.
            http.Timeout = Timeout.InfiniteTimeSpan;
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", $"{options.Username}:{options.ApiKey}");
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Viaduct-E4", "1.0"));
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

    private sealed class CommCareOptionsValidator : IValidateOptions<CommCareOptions>
    {
        public ValidateOptionsResult Validate(string? name, CommCareOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
