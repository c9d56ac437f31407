namespace Viaduct.Shared.Data.Model;

/// <summary>
/// One person (<c>people</c>), found by any of their patient keys or by <see cref="IdentityKey"/>. Name and date of
/// birth are those of the result that created the person; they only serve matching.
/// </summary>
public sealed class Person
{
    public long Id { get; set; }

    /// <summary>Every PIDPATIENTKEY the person was matched by (trimmed). One key belongs to at most one person.</summary>
    public string[] PatientKeys { get; set; } = [];

    /// <summary>Date of birth, upper-cased last name and first token of the first name; unique among people.</summary>
    public string? IdentityKey { get; set; }

    public string? LastName { get; set; }
    public string? FirstName { get; set; }
    public DateOnly? DateOfBirth { get; set; }

    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime UpdatedAt { get; set; }
}
