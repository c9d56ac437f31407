using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace Viaduct.Engines.E4.Loader.CommCare;

/// <summary>
/// The resilience pipeline of the CommCare HttpClient, outermost first: a few jittered retries of transient failures
/// (honouring <c>Retry-After</c> up to <see cref="CommCareOptions.MaxRetryAfter"/>), a circuit breaker, and a per-try
/// timeout. Retries here only smooth over brief trouble inside one job attempt; Hangfire retries the job across days.
/// </summary>
internal static class CommCareResilience
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, CommCareOptions options, ILogger logger, TimeProvider time)
    {
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                // POST is retried too, although it is not idempotent in HTTP terms: every item is an upsert by
                // external_id, so a try whose answer was lost (saved, then a 5xx or a timeout) updates the same case
                // again instead of creating a second one. (Two requests upserting one case at the same moment would;
                // the posting job's per-case lock keeps that from happening, and a retry starts after the try ended.)
                ShouldRetryAfterHeader = false,
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, options.MaxRetryAfter, time)),
                // Retry-After, when the server names one, replaces the jittered back-off (a longer one is not retried at all).
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? RetryAfterOf(response, time) : null),
                OnRetry = args =>
                {
                    CommCareLog.Retrying(logger, StatusOf(args.Outcome), args.Outcome.Exception?.GetType().Name, args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            });
        }

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.BreakFailureRatio,
            MinimumThroughput = options.BreakMinimumThroughput,
            SamplingDuration = options.BreakSamplingDuration,
            BreakDuration = options.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
            OnOpened = args =>
            {
                CommCareLog.CircuitOpened(logger, args.BreakDuration, StatusOf(args.Outcome), args.Outcome.Exception?.GetType().Name);
                return default;
            },
            OnClosed = _ =>
            {
                CommCareLog.CircuitClosed(logger);
                return default;
            },
        });

        pipeline.AddTimeout(options.AttemptTimeout);
    }

    /// <summary>
    /// Retry 408, 429, 5xx, per-try timeouts and network errors; not refusals, not an open circuit, not the caller's
    /// cancellation, and not a response whose Retry-After is longer than the client will wait.
    /// </summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter, TimeProvider time)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or TimeoutRejectedException;
        }

        var response = outcome.Result!;
        return CommCareException.IsTransientStatus((int)response.StatusCode) && !(RetryAfterOf(response, time) > maxRetryAfter);
    }

    /// <summary>What counts against the circuit: the server failing (5xx, 408), timeouts and network errors. A 429 is the server pacing us, not failing.</summary>
    internal static bool IsFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is not null
            ? outcome.Exception is HttpRequestException or TimeoutRejectedException
            : (int)outcome.Result!.StatusCode is 408 or >= 500;

    /// <summary>The response's Retry-After as a delay from now (a date in the past is zero), or null when it has none.</summary>
    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response, TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => Max(date - time.GetUtcNow(), TimeSpan.Zero),
        _ => null,
    };

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static int? StatusOf(Outcome<HttpResponseMessage> outcome) => outcome.Result is { } response ? (int)response.StatusCode : null;
}
