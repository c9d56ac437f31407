namespace Viaduct.Shared.Data.Model;

/// <summary>
/// A person's case in one county (<c>index_cases</c>) with the patient case properties E4 posts. Writers take the
/// person's row lock first, so one person's cases change one writer at a time.
/// </summary>
public sealed class IndexCase
{
    public long Id { get; set; }
    public long PersonId { get; set; }
    public required string CountyFips { get; set; }

    /// <summary>CommCare's <c>external_id</c>: <c>P&lt;person id&gt;</c>, the same in every county.</summary>
    public required string ExternalId { get; set; }

    /// <summary>CommCare's <c>case_id</c>, once known.</summary>
    public string? CaseId { get; set; }

    /// <summary>The patient case properties (a JSON object of strings), filled add-if-missing.</summary>
    public required string Properties { get; set; }

    public bool Closed { get; set; }
    public bool RegisteredInError { get; set; }
    public string TransferState { get; set; } = IndexCaseTransferState.None;
    public string? TransferDestinationFips { get; set; }
    public string? TransferSourceCaseId { get; set; }

    /// <summary>False for a non-participating county: kept and matched, never posted.</summary>
    public bool Postable { get; set; }

    /// <summary>Raised each time something is added to the case or its lab results.</summary>
    public int Version { get; set; }

    public DateTime ChangedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public string? UpdatedBy { get; set; }

    /// <summary>Where the case stands with E3 and E4 (<see cref="CasePostState"/>); null until first enqueued.</summary>
    public string? PostState { get; set; }

    /// <summary>The version E3 last enqueued: E3 takes the case again once <see cref="Version"/> is above it.</summary>
    public int EnqueuedVersion { get; set; }

    public DateTime? EnqueuedAt { get; set; }

    /// <summary>The Hangfire job that will post the case, while one is pending.</summary>
    public string? PostJobId { get; set; }

    /// <summary>The version E4 last posted successfully.</summary>
    public int PostedVersion { get; set; }

    public DateTime? PostedAt { get; set; }

    /// <summary>The CommCare domain the case was last posted to (another county's after a transfer).</summary>
    public string? PostedDomain { get; set; }

    /// <summary>Why the case is parked or failed: the response of the refusing server, or the last error.</summary>
    public string? PostError { get; set; }
}
