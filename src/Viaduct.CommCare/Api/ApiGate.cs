using Viaduct.CommCare.Faults;

namespace Viaduct.CommCare.Api;

/// <summary>
/// In front of the case API (<c>/a/...</c>) and the control endpoints (<c>/_control/...</c>): the ApiKey check (401),
/// the domain check (403), and for the case API the request counts and the injected faults.
/// <c>/health</c> is open.
/// </summary>
internal sealed class ApiGate(RequestDelegate next, ApiKeyAuthenticator authenticator, FaultInjector faults, RequestStats stats, ILogger<ApiGate> logger)
{
    private static readonly object UserKey = new();

    public static ApiUser User(HttpContext context) => (ApiUser)context.Items[UserKey]!;

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/a", out var rest))
        {
            try
            {
                await GuardApiAsync(context, rest);
            }
            finally
            {
                stats.Record(context.Response.StatusCode);
            }
        }
        else if (path.StartsWithSegments("/_control"))
        {
            if (Authenticate(context) is not null)
            {
                await next(context);
            }
            else
            {
                await UnauthorizedAsync(context);
            }
        }
        else
        {
            await next(context);
        }
    }

    private async Task GuardApiAsync(HttpContext context, PathString rest)
    {
        var user = Authenticate(context);
        if (user is null)
        {
            await UnauthorizedAsync(context);
            return;
        }

        var domain = rest.Value?.TrimStart('/').Split('/', 2)[0] ?? "";
        if (!ApiKeyAuthenticator.MayUse(user, domain))
        {
            await JsonResponse.ErrorAsync(context, StatusCodes.Status403Forbidden, $"User {user.Username} is not a member of project space '{domain}'");
            return;
        }

        var decision = faults.Decide(context.Request.Method);
        if (decision.Latency > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(decision.Latency, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client gave up waiting (its timeout): nothing to answer.
                return;
            }
        }

        if (decision.StatusCode is { } status)
        {
            stats.RecordInjected(status);
            Log.FaultInjected(logger, status, context.Request.Method, context.Request.Path);
            if (status == StatusCodes.Status429TooManyRequests)
            {
                context.Response.Headers.RetryAfter = FaultSettingsJson.RetryAfterHeader(decision.RetryAfter);
                await JsonResponse.ErrorAsync(context, status, "Injected fault: too many requests; retry after the Retry-After seconds");
            }
            else
            {
                await JsonResponse.ErrorAsync(context, status, "Injected fault: the server could not handle the request");
            }

            return;
        }

        if (decision.FailAfterApply)
        {
            JsonResponse.FailAfterApply(context);
        }

        await next(context);
    }

    private ApiUser? Authenticate(HttpContext context)
    {
        var user = authenticator.Authenticate(context.Request.Headers.Authorization.ToString());
        if (user is not null)
        {
            context.Items[UserKey] = user;
        }

        return user;
    }

    private static Task UnauthorizedAsync(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "ApiKey";
        return JsonResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, "Authentication required: Authorization: ApiKey <username>:<api_key>");
    }
}
