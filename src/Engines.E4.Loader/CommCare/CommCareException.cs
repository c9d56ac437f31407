namespace Viaduct.Engines.E4.Loader.CommCare;

/// <summary>
/// A CommCare request that failed after the client's own retries. <see cref="IsTransient"/> says whether trying again
/// later can help (429, 408, 5xx, timeouts, network errors, an open circuit) or not (400, 401, 403, 404 of an upsert,
/// 422 and other 4xx: refused for good, retried only when an operator re-enqueues the case).
/// </summary>
/// <remarks>
/// The message names the operation, the domain and the status only. <see cref="ResponseBody"/> may quote posted values
/// (patient data): store it with the case for operators, never log it. <c>ToString()</c> leaves it out, so Hangfire's
/// record of a failed job does not hold it either.
/// </remarks>
public sealed class CommCareException : Exception
{
    public CommCareException()
        : this("A CommCare request failed")
    {
    }

    public CommCareException(string message)
        : this(message, statusCode: null, isTransient: false, retryAfter: null, responseBody: null)
    {
    }

    public CommCareException(string message, Exception innerException)
        : this(message, statusCode: null, isTransient: false, retryAfter: null, responseBody: null, innerException)
    {
    }

    public CommCareException(
        string message, int? statusCode, bool isTransient, TimeSpan? retryAfter, string? responseBody, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        IsTransient = isTransient;
        RetryAfter = retryAfter;
        ResponseBody = responseBody;
    }

    /// <summary>The HTTP status of the last try; null when no response came (timeout, network error, open circuit).</summary>
    public int? StatusCode { get; }

    /// <summary>Trying again later may succeed; otherwise the request was refused for good.</summary>
    public bool IsTransient { get; }

    /// <summary>The delay the server asked for (<c>Retry-After</c>), if it named one.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The error response's body, cut to <see cref="CommCareOptions.MaxErrorBodyLength"/>. May hold patient data: never log it.</summary>
    public string? ResponseBody { get; }

    /// <summary>
    /// The reason to store with a parked or failed case: the status (or what happened instead) and the body. May hold
    /// patient data: for the database, never for logs.
    /// </summary>
    public string Reason =>
        (StatusCode is { } status ? $"CommCare answered {status}" : Message)
        + (string.IsNullOrEmpty(ResponseBody) ? "" : ": " + ResponseBody);

    /// <summary>
    /// Whether a status is worth retrying: 408, 429 and 5xx are; other 4xx are refusals. Statuses below 400 are not
    /// failures and are not transient.
    /// </summary>
    public static bool IsTransientStatus(int statusCode) => statusCode is 408 or 429 or >= 500;
}
