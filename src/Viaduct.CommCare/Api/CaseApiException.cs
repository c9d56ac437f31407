namespace Viaduct.CommCare.Api;

/// <summary>
/// A request the API refuses: answered with <see cref="StatusCode"/> and <c>{"error": message}</c>, plus the id of
/// the error form when the problem was found while processing (as CommCare HQ's XFormError).
/// </summary>
internal sealed class CaseApiException : Exception
{
    public CaseApiException(int statusCode, string message, Guid? xformId = null)
        : base(message)
    {
        StatusCode = statusCode;
        XFormId = xformId;
    }

    public CaseApiException()
    {
    }

    public CaseApiException(string message)
        : base(message)
    {
    }

    public CaseApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int StatusCode { get; } = StatusCodes.Status400BadRequest;

    public Guid? XFormId { get; }
}
