using System.Text.Json.Serialization;

namespace Viaduct.CommCare.Storage;

/// <summary>One case as the server keeps it. All times are UTC with microsecond precision (PostgreSQL's).</summary>
internal sealed class StoredCase
{
    public required string CaseId { get; init; }

    public required string Domain { get; init; }

    public required string CaseType { get; set; }

    public required string CaseName { get; set; }

    public required string OwnerId { get; set; }

    public string? ExternalId { get; set; }

    public Dictionary<string, string> Properties { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, CaseIndex> Indices { get; init; } = new(StringComparer.Ordinal);

    public bool Closed { get; set; }

    public DateTime DateOpened { get; init; }

    public DateTime? DateClosed { get; set; }

    public DateTime LastModified { get; set; }

    /// <summary>When the server last changed the case; the changes list is ordered by it, then by <see cref="ChangeSeq"/>.</summary>
    public DateTime ServerLastModified { get; set; }

    /// <summary>A number from one sequence, taken at each change: breaks ties between cases changed at the same instant.</summary>
    public long ChangeSeq { get; set; }
}

/// <summary>An index from a case to another (its parent or host), in CommCare's JSON shape.</summary>
internal sealed record CaseIndex(
    [property: JsonPropertyName("case_id")] string CaseId,
    [property: JsonPropertyName("case_type")] string CaseType,
    [property: JsonPropertyName("relationship")] string Relationship);
