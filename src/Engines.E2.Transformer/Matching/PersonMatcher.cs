using Viaduct.Shared.Data.People;

namespace Viaduct.Engines.E2.Transformer.Matching;

/// <summary>A person already stored, as the matcher needs to see it.</summary>
/// <param name="PersonId">The person's id.</param>
/// <param name="PatientKeys">Every PIDPATIENTKEY the person has been matched by.</param>
/// <param name="DateOfBirth">The stored date of birth, if any.</param>
/// <param name="LastName">The stored last name, if any (compared after normalising).</param>
/// <param name="FirstName">The stored first name, if any (compared by its first token).</param>
public sealed record PersonCandidate(
    long PersonId,
    IReadOnlyCollection<string> PatientKeys,
    DateOnly? DateOfBirth,
    string? LastName,
    string? FirstName);

/// <summary>How a result found its person.</summary>
public enum PersonMatchKind
{
    /// <summary>A person already holds the result's patient key.</summary>
    PatientKey = 1,

    /// <summary>A person has the same date of birth, last name and first token of the first name.</summary>
    NameAndDateOfBirth = 2,

    /// <summary>No person matches: create one.</summary>
    Create = 3,
}

/// <summary>The outcome of <see cref="PersonMatcher.Match"/>.</summary>
/// <param name="Kind">Which rule decided.</param>
/// <param name="PersonId">The matched person; null when <see cref="Kind"/> is <see cref="PersonMatchKind.Create"/>.</param>
/// <param name="PatientKeyToAdd">
/// The (trimmed) patient key to add to the person's keys: set for a name-and-dob match or a new person when the
/// result has a patient key; null otherwise.
/// </param>
public sealed record PersonMatch(PersonMatchKind Kind, long? PersonId, string? PatientKeyToAdd)
{
    /// <summary>Whether the person's patient keys must be extended.</summary>
    public bool AddsPatientKey => PatientKeyToAdd is not null;
}

/// <summary>
/// DESIGN.md section 4, person rule: a person whose patient keys contain the result's PIDPATIENTKEY; else exact
/// match on date of birth + upper-cased last name + upper-cased first token of the first name, adding the patient
/// key; else create a person. A result without a date of birth, last or first name matches by patient key only.
/// When several people qualify, the lowest id wins so that every replica decides alike.
/// </summary>
public static class PersonMatcher
{
    public static PersonMatch Match(ResultIdentity row, IReadOnlyList<PersonCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(candidates);

        var patientKey = row.NormalizedPatientKey;
        if (patientKey is not null)
        {
            long? byKey = null;
            foreach (var candidate in candidates)
            {
                if ((byKey is null || candidate.PersonId < byKey)
                    && candidate.PatientKeys.Any(k => string.Equals(PersonIdentity.NormalizePatientKey(k), patientKey, StringComparison.Ordinal)))
                {
                    byKey = candidate.PersonId;
                }
            }

            if (byKey is not null)
            {
                return new PersonMatch(PersonMatchKind.PatientKey, byKey, null);
            }
        }

        var identity = row.IdentityKey;
        if (identity is not null)
        {
            long? byName = null;
            foreach (var candidate in candidates)
            {
                if ((byName is null || candidate.PersonId < byName)
                    && string.Equals(PersonIdentity.Key(candidate.DateOfBirth, candidate.LastName, candidate.FirstName), identity, StringComparison.Ordinal))
                {
                    byName = candidate.PersonId;
                }
            }

            if (byName is not null)
            {
                return new PersonMatch(PersonMatchKind.NameAndDateOfBirth, byName, patientKey);
            }
        }

        return new PersonMatch(PersonMatchKind.Create, null, patientKey);
    }
}
