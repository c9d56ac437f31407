namespace Viaduct.Shared.Data.Model;

/// <summary>
/// A value the add-if-missing merge dropped (<c>merge_conflicts</c>): the property held another value already.
/// Holds patient data, like the cases themselves; never logged.
/// </summary>
public sealed class MergeConflict
{
    public long Id { get; set; }

    /// <summary><c>index_case</c> or <c>lab_result</c>.</summary>
    public required string SubjectType { get; set; }

    public long SubjectId { get; set; }
    public required string Property { get; set; }
    public required string ExistingValue { get; set; }
    public required string IncomingValue { get; set; }

    /// <summary>The test result that brought the dropped value.</summary>
    public long TestResultId { get; set; }

    public required string Engine { get; set; }
    public required string Host { get; set; }
    public DateTime RecordedAt { get; set; }
}
