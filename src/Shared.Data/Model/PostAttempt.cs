namespace Viaduct.Shared.Data.Model;

/// <summary>The outcomes of one try to post one index case, as text in <c>post_attempts.outcome</c>.</summary>
public static class PostAttemptOutcome
{
    public const string Succeeded = "succeeded";

    /// <summary>Posted, to the county the case was transferred to.</summary>
    public const string Rerouted = "rerouted";

    /// <summary>A transient failure: the job is retried.</summary>
    public const string Failed = "failed";

    /// <summary>A permanent failure: the case is parked.</summary>
    public const string Parked = "parked";

    /// <summary>Nothing to do (already posted, no longer postable, or another job has it).</summary>
    public const string Discarded = "discarded";
}

/// <summary>One try to post one index case (<c>post_attempts</c>, append-only): what happened, where, when, by whom.</summary>
public sealed class PostAttempt
{
    public long Id { get; set; }
    public long IndexCaseId { get; set; }
    public string? JobId { get; set; }

    /// <summary>Hangfire's retry count when the try ran (0 for the first).</summary>
    public int Attempt { get; set; }

    public required string Outcome { get; set; }
    public int? StatusCode { get; set; }

    /// <summary>Why: the server's response for a failure, the chain for a reroute. May quote the posted case.</summary>
    public string? Reason { get; set; }

    public string? Domain { get; set; }
    public string? RemoteCaseId { get; set; }
    public int? Version { get; set; }
    public required string Engine { get; set; }
    public required string Host { get; set; }
    public DateTime AttemptedAt { get; set; }
}
