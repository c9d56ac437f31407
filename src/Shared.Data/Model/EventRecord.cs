namespace Viaduct.Shared.Data.Model;

/// <summary>
/// The append-only audit trail (<c>events</c>): what happened to which item, done by which engine on
/// which host, when. Details never hold patient data.
/// </summary>
public sealed class EventRecord
{
    public long Id { get; set; }
    public DateTime OccurredAt { get; set; }
    public required string Engine { get; set; }
    public required string Host { get; set; }
    public required string SubjectType { get; set; }
    public long SubjectId { get; set; }
    public required string Kind { get; set; }
    public string? Detail { get; set; }
}
