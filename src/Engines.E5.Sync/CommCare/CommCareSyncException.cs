namespace Viaduct.Engines.E5.Sync.CommCare;

/// <summary>
/// A read from CommCare that failed after the client's own retries. The message names the operation, the domain and
/// the status, never a response body (it may quote patient data).
/// </summary>
public sealed class CommCareSyncException : Exception
{
    public CommCareSyncException()
    {
    }

    public CommCareSyncException(string message)
        : base(message)
    {
    }

    public CommCareSyncException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CommCareSyncException(string message, int? statusCode)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status, when the server answered.</summary>
    public int? StatusCode { get; }
}
