using Microsoft.Extensions.Logging;

namespace Viaduct.Engines.E4.Loader.CommCare;

/// <summary>
/// The CommCare client's log lines: operations, domains, status codes, exception types and delays. Never a URL (it may
/// carry an external id), a request body or a response body (they may carry patient data).
/// </summary>
internal static partial class CommCareLog
{
    [LoggerMessage(4100, LogLevel.Warning, "CommCare {Operation} in {Domain} failed with status {Status} (transient: {Transient})")]
    public static partial void RequestFailed(ILogger logger, string operation, string domain, int status, bool transient);

    [LoggerMessage(4101, LogLevel.Warning, "CommCare {Operation} in {Domain} got no answer: {Failure} (transient)")]
    public static partial void NoAnswer(ILogger logger, string operation, string domain, string failure);

    [LoggerMessage(4102, LogLevel.Information, "CommCare request failed (status {Status}, error {ErrorType}); retry {Retry} in {Delay}")]
    public static partial void Retrying(ILogger logger, int? status, string? errorType, int retry, TimeSpan delay);

    [LoggerMessage(4103, LogLevel.Warning, "CommCare circuit opened for {BreakDuration} after status {Status}, error {ErrorType}: requests fail at once meanwhile")]
    public static partial void CircuitOpened(ILogger logger, TimeSpan breakDuration, int? status, string? errorType);

    [LoggerMessage(4104, LogLevel.Information, "CommCare circuit closed: requests flow again")]
    public static partial void CircuitClosed(ILogger logger);
}
