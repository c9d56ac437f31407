using Viaduct.Shared.Data.People;

namespace Viaduct.Engines.E2.Transformer.Matching;

/// <summary>What a test result says about who it belongs to (PIDPATIENTKEY, PIDDATEOFBIRTH, PIDLASTNAME, PIDFIRSTNAME).</summary>
public sealed record ResultIdentity(string? PatientKey, DateOnly? DateOfBirth, string? LastName, string? FirstName)
{
    /// <summary>The trimmed patient key, or null when blank.</summary>
    public string? NormalizedPatientKey => PersonIdentity.NormalizePatientKey(PatientKey);

    /// <summary>The name-and-date-of-birth key (see <see cref="PersonIdentity.Key"/>), or null when a part is missing.</summary>
    public string? IdentityKey => PersonIdentity.Key(DateOfBirth, LastName, FirstName);
}
