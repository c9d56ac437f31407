using Viaduct.Engines.E2.Transformer.Cases;
using Viaduct.Engines.E2.Transformer.Counties;
using Viaduct.Engines.E2.Transformer.Matching;
using IndexCaseTransferState = Viaduct.Shared.Data.Model.IndexCaseTransferState;

namespace Viaduct.Engines.E2.Transformer.Transform;

/// <summary>
/// A person as one batch sees it. A person created by the batch has a provisional id (above every real one, so the
/// matchers' lowest-id rule prefers people who already exist) until <see cref="TransformBatch.AssignPersonIds"/>.
/// </summary>
public sealed class PersonState
{
    internal PersonState(long id, bool isNew, IEnumerable<string> patientKeys, string? identityKey, string? lastName, string? firstName, DateOnly? dateOfBirth)
    {
        Id = id;
        IsNew = isNew;
        PatientKeys = [.. patientKeys];
        IdentityKey = identityKey;
        LastName = lastName;
        FirstName = firstName;
        DateOfBirth = dateOfBirth;
    }

    public long Id { get; internal set; }
    public bool IsNew { get; }
    public List<string> PatientKeys { get; }

    /// <summary>Keys this batch adds to a person who already exists.</summary>
    public List<string> AddedKeys { get; } = [];

    public string? IdentityKey { get; }
    public string? LastName { get; }
    public string? FirstName { get; }
    public DateOnly? DateOfBirth { get; }
    public List<CaseState> Cases { get; } = [];

    internal PersonCandidate ToCandidate() => new(Id, PatientKeys, DateOfBirth, LastName, FirstName);
}

/// <summary>An index case as one batch sees it: stored, or created by the batch (provisional id until assigned).</summary>
public sealed class CaseState
{
    internal CaseState(long id, bool isNew, PersonState person, string countyFips, bool postable, IReadOnlyDictionary<string, string> properties)
    {
        Id = id;
        IsNew = isNew;
        Person = person;
        CountyFips = countyFips;
        Postable = postable;
        Properties = new MergedProperties(properties);
    }

    public long Id { get; internal set; }
    public bool IsNew { get; }
    public PersonState Person { get; }
    public string CountyFips { get; }
    public bool Postable { get; }
    public bool Closed { get; init; }
    public bool RegisteredInError { get; init; }
    public string TransferState { get; init; } = IndexCaseTransferState.None;
    public MergedProperties Properties { get; }

    /// <summary>Something was added to the stored case or its lab results: its version goes up and it is posted again.</summary>
    public bool Changed { get; internal set; }

    public List<LabState> LabResults { get; } = [];

    internal IndexCaseCandidate ToCandidate() => new(
        Id, CountyFips, Closed, TransferState switch
        {
            IndexCaseTransferState.Pending => Matching.CaseTransferState.Pending,
            IndexCaseTransferState.Sent => Matching.CaseTransferState.Sent,
            _ => Matching.CaseTransferState.None,
        },
        RegisteredInError,
        [.. LabResults.Select(l => l.AccessionNumber)]);

    internal bool Merge(IReadOnlyDictionary<string, string> incoming, long testResultId, List<ConflictRecord> conflicts)
    {
        var added = Properties.Merge(incoming, c => conflicts.Add(new ConflictRecord(this, null, c, testResultId)));
        Changed |= added;
        return added;
    }

    internal static CaseState Create(long provisionalId, PersonState person, County county, IReadOnlyDictionary<string, string> properties) =>
        new(provisionalId, true, person, county.Fips, CountyDirectory.IsPostable(county), properties);
}

/// <summary>A lab result as one batch sees it.</summary>
public sealed class LabState
{
    internal LabState(long id, bool isNew, CaseState indexCase, string accessionNumber, string externalId, IReadOnlyDictionary<string, string> properties)
    {
        Id = id;
        IsNew = isNew;
        IndexCase = indexCase;
        AccessionNumber = accessionNumber;
        ExternalId = externalId;
        Properties = new MergedProperties(properties);
    }

    public long Id { get; internal set; }
    public bool IsNew { get; }
    public CaseState IndexCase { get; }
    public string AccessionNumber { get; }

    /// <summary>Set when the lab result is created; empty for a stored one (not needed).</summary>
    public string ExternalId { get; }

    public MergedProperties Properties { get; }

    /// <summary>A property was filled in on the stored lab result.</summary>
    public bool Changed { get; private set; }

    internal bool Merge(IReadOnlyDictionary<string, string> incoming, long testResultId, List<ConflictRecord> conflicts)
    {
        var added = Properties.Merge(incoming, c => conflicts.Add(new ConflictRecord(null, this, c, testResultId)));
        Changed |= added;
        return added;
    }
}

/// <summary>Case properties under the add-if-missing merge, with what the batch filled in.</summary>
public sealed class MergedProperties(IReadOnlyDictionary<string, string> stored)
{
    private IReadOnlyDictionary<string, string> _values = stored;

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>The properties the batch filled in: written as <c>properties || added</c>.</summary>
    public Dictionary<string, string> Added { get; } = new(StringComparer.Ordinal);

    /// <summary>Fills what is missing; reports each dropped value. Returns whether anything was added.</summary>
    public bool Merge(IReadOnlyDictionary<string, string> incoming, Action<PropertyConflict> onConflict)
    {
        ArgumentNullException.ThrowIfNull(onConflict);
        var merge = PropertyMerge.Merge(_values, incoming);
        foreach (var conflict in merge.Conflicts)
        {
            onConflict(conflict);
        }

        if (!merge.Changed)
        {
            return false;
        }

        _values = merge.Merged;
        foreach (var property in merge.Added)
        {
            Added[property] = merge.Merged[property];
        }

        return true;
    }
}

/// <summary>A dropped value, on an index case or on a lab result, and the result that brought it.</summary>
public sealed record ConflictRecord(CaseState? IndexCase, LabState? LabResult, PropertyConflict Conflict, long TestResultId)
{
    public string SubjectType => IndexCase is not null ? "index_case" : "lab_result";
    public long SubjectId => IndexCase?.Id ?? LabResult!.Id;
}
