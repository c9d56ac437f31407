namespace Viaduct.CommCare;

/// <summary>
/// Every log line of the server. Domains, ids, counts and problems only: case property values are patient data
/// (names, dates of birth, addresses) and never appear here; problems name fields and ids, never values.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Information, "CommCare-like server: schema {Schema} ready")]
    public static partial void SchemaReady(ILogger logger, string schema);

    [LoggerMessage(2001, LogLevel.Information, "CommCare-like server listening on {Addresses}; {Users} API user(s)")]
    public static partial void Listening(ILogger logger, string addresses, int users);

    [LoggerMessage(2002, LogLevel.Warning, "No CommCare:Users configured: the API accepts only the default local user {Username}")]
    public static partial void DefaultUser(ILogger logger, string username);

    [LoggerMessage(2100, LogLevel.Information, "Form {XFormId} in {Domain}: {Items} item(s), {Created} case(s) created, {Updated} updated")]
    public static partial void FormApplied(ILogger logger, string domain, Guid xFormId, int items, int created, int updated);

    [LoggerMessage(2101, LogLevel.Warning, "Form {XFormId} in {Domain} refused: {Problem}")]
    public static partial void FormRefused(ILogger logger, string domain, Guid xFormId, string problem);

    [LoggerMessage(2102, LogLevel.Warning, "{Method} {Path} refused with {StatusCode}: {Problem}")]
    public static partial void RequestRefused(ILogger logger, string method, string path, int statusCode, string problem);

    [LoggerMessage(2200, LogLevel.Information, "Injected fault: {StatusCode} for {Method} {Path}")]
    public static partial void FaultInjected(ILogger logger, int statusCode, string method, string path);

    [LoggerMessage(2201, LogLevel.Information, "Injected fault: {Method} {Path} was applied, then answered 500")]
    public static partial void FailedAfterApply(ILogger logger, string method, string path);

    [LoggerMessage(2202, LogLevel.Information, "Faults changed: failure rate {FailureRate}, throttle rate {ThrottleRate}, fail-after-apply rate {FailAfterApplyRate}, latency {Latency}, script of {ScriptLength} entries")]
    public static partial void FaultsChanged(ILogger logger, double failureRate, double throttleRate, double failAfterApplyRate, TimeSpan latency, int? scriptLength);

    [LoggerMessage(2203, LogLevel.Information, "Faults reset to the configured settings")]
    public static partial void FaultsReset(ILogger logger);

    [LoggerMessage(2300, LogLevel.Warning, "Deleted {Cases} case(s) of {Domain} through the control endpoint")]
    public static partial void CasesDeleted(ILogger logger, long cases, string domain);
}
