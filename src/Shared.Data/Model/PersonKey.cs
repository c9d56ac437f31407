namespace Viaduct.Shared.Data.Model;

/// <summary>
/// One patient key and the person it belongs to (<c>person_keys</c>): how a result finds its person by key with one
/// index probe, and the guarantee that a key belongs to one person only. <see cref="Person.PatientKeys"/> holds the
/// same keys for reading.
/// </summary>
public sealed class PersonKey
{
    public required string PatientKey { get; set; }
    public long PersonId { get; set; }
}
