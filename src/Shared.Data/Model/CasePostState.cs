namespace Viaduct.Shared.Data.Model;

/// <summary>The posting states of an index case, as text in <c>index_cases.post_state</c>.</summary>
public static class CasePostState
{
    /// <summary>E3 created (or is creating) a job for the case; no other job is created until it ends.</summary>
    public const string Enqueued = "enqueued";

    /// <summary>Posted; E3 takes the case again when E2 adds to it.</summary>
    public const string Posted = "posted";

    /// <summary>Refused for good (400, 401, 403, 404, 422): not retried until an operator re-enqueues it.</summary>
    public const string Parked = "parked";

    /// <summary>Every retry failed; not retried until an operator re-enqueues it.</summary>
    public const string Failed = "failed";
}
