using Viaduct.Engines.E2.Transformer.Cases;
using Viaduct.Engines.E2.Transformer.Matching;
using Viaduct.Shared.Data.Model;
using Viaduct.Shared.Data.People;

namespace Viaduct.Engines.E2.Transformer.Transform;

/// <summary>
/// The matching of one batch of results, in memory, in test result id order, so later results of the batch see
/// what earlier ones created. Two phases with the database in between: <see cref="MatchPeople"/> over the people
/// the batch's keys and identities lead to; then, once those people are locked and their new ids assigned,
/// <see cref="MatchCases"/> over their index cases and lab results. The caller holds the locks that make the
/// loaded state current (see <see cref="ResultTransformer"/>).
/// </summary>
public sealed class TransformBatch
{
    // Above any real id, so that the matchers' lowest-id rule prefers what is stored.
    private const long FirstProvisionalId = 1L << 60;

    private readonly List<RowWork> _rows;
    private readonly Dictionary<string, PersonState> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PersonState> _byIdentity = new(StringComparer.Ordinal);
    private readonly Dictionary<long, PersonState> _storedPeople = [];
    private readonly List<PersonState> _newPeople = [];
    private readonly List<CaseState> _newCases = [];
    private readonly List<LabState> _newLabResults = [];
    private readonly List<ConflictRecord> _conflicts = [];
    private long _nextProvisionalId = FirstProvisionalId;

    public TransformBatch(IEnumerable<PendingResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        _rows = [.. results.OrderBy(r => r.TestResultId).Select(r => new RowWork(r))];
    }

    /// <summary>Every patient key of the batch (trimmed).</summary>
    public IReadOnlyCollection<string> PatientKeys =>
        _rows.Select(r => r.Result.Row.Identity.NormalizedPatientKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Every name-and-date-of-birth identity of the batch.</summary>
    public IReadOnlyCollection<string> IdentityKeys =>
        _rows.Select(r => r.Result.Row.Identity.IdentityKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    public IReadOnlyList<PersonState> NewPeople => _newPeople;

    /// <summary>Stored people some result of the batch belongs to: their rows are locked before their cases are read.</summary>
    public IReadOnlyList<PersonState> MatchedStoredPeople =>
        [.. _rows.Select(r => r.Person).OfType<PersonState>().Where(p => !p.IsNew).Distinct().OrderBy(p => p.Id)];

    public IReadOnlyList<CaseState> NewCases => _newCases;

    /// <summary>Stored cases something was added to (known once <see cref="MatchCases"/> has run).</summary>
    public IReadOnlyList<CaseState> ChangedCases { get; private set; } = [];

    public IReadOnlyList<LabState> NewLabResults => _newLabResults;

    /// <summary>Stored lab results something was added to (known once <see cref="MatchCases"/> has run).</summary>
    public IReadOnlyList<LabState> ChangedLabResults { get; private set; } = [];

    /// <summary>Each value dropped from a case or lab result, once (the first result that brought it).</summary>
    public IReadOnlyList<ConflictRecord> Conflicts =>
        [.. _conflicts.DistinctBy(c => (c.IndexCase, c.LabResult, c.Conflict.Property, c.Conflict.ExistingValue, c.Conflict.IncomingValue))];

    /// <summary>Whether a case that is posted was created or changed, so E3 should look.</summary>
    public bool ChangedPostableCases => _newCases.Any(c => c.Postable) || ChangedCases.Any(c => c.Postable);

    /// <summary>
    /// Phase 1: each result finds its person among <paramref name="stored"/> and those the batch created before it
    /// (DESIGN.md section 4). A result with neither patient key nor a full name and date of birth is ignored.
    /// </summary>
    public void MatchPeople(IEnumerable<StoredPerson> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        foreach (var person in stored)
        {
            var state = new PersonState(person.Id, false, person.PatientKeys, person.IdentityKey, person.LastName, person.FirstName, person.DateOfBirth);
            _storedPeople.Add(person.Id, state);
            foreach (var key in person.PatientKeys)
            {
                Register(_byKey, PersonIdentity.NormalizePatientKey(key), state);
            }

            Register(_byIdentity, person.IdentityKey, state);
        }

        foreach (var row in _rows)
        {
            row.Run(() => MatchPerson(row));
        }
    }

    /// <summary>Gives the people the batch created their real ids, in creation order.</summary>
    public void AssignPersonIds(IReadOnlyList<long> ids) => Assign(_newPeople, ids, (p, id) => p.Id = id);

    /// <summary>
    /// Phase 2: with the matched people's cases and lab results loaded, each result finds or creates its index cases
    /// and lab results and merges its properties into them, add-if-missing.
    /// </summary>
    public void MatchCases(IEnumerable<StoredCase> cases, IEnumerable<StoredLabResult> labResults)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(labResults);
        var casesById = new Dictionary<long, CaseState>();
        foreach (var stored in cases.OrderBy(c => c.Id))
        {
            if (_storedPeople.TryGetValue(stored.PersonId, out var person))
            {
                var state = new CaseState(stored.Id, false, person, stored.CountyFips, postable: false, stored.Properties)
                {
                    Closed = stored.Closed,
                    RegisteredInError = stored.RegisteredInError,
                    TransferState = stored.TransferState,
                };
                person.Cases.Add(state);
                casesById.Add(stored.Id, state);
            }
        }

        foreach (var stored in labResults.OrderBy(l => l.Id))
        {
            if (casesById.TryGetValue(stored.IndexCaseId, out var indexCase))
            {
                indexCase.LabResults.Add(new LabState(stored.Id, false, indexCase, stored.AccessionNumber, "", stored.Properties));
            }
        }

        foreach (var row in _rows.Where(r => r.Person is not null && r.Outcome is null))
        {
            row.Run(() => MatchCases(row));
        }

        // The people of the results that matched: a result that failed here leaves nothing of its own behind.
        var storedCases = MatchedStoredPeople.SelectMany(p => p.Cases).Where(c => !c.IsNew).ToList();
        ChangedCases = [.. storedCases.Where(c => c.Changed)];
        ChangedLabResults = [.. storedCases.SelectMany(c => c.LabResults).Where(l => !l.IsNew && l.Changed)];
    }

    /// <summary>Gives the created cases and lab results their real ids.</summary>
    public void AssignCaseIds(IReadOnlyList<long> caseIds, IReadOnlyList<long> labResultIds)
    {
        Assign(_newCases, caseIds, (c, id) => c.Id = id);
        Assign(_newLabResults, labResultIds, (l, id) => l.Id = id);
    }

    /// <summary>One outcome per result of the batch.</summary>
    public IReadOnlyList<ResultOutcome> Outcomes() => [.. _rows.Select(r => r.ToOutcome())];

    private void MatchPerson(RowWork row)
    {
        var identity = row.Result.Row.Identity;
        var key = identity.NormalizedPatientKey;
        var identityKey = identity.IdentityKey;
        if (key is null && identityKey is null)
        {
            row.Ignore("no patient key, and no date of birth, last and first name to find the person by");
            return;
        }

        var byKey = key is null ? null : _byKey.GetValueOrDefault(key);
        var byIdentity = identityKey is null ? null : _byIdentity.GetValueOrDefault(identityKey);
        var candidates = new List<PersonCandidate>(2);
        if (byKey is not null)
        {
            candidates.Add(byKey.ToCandidate());
        }

        if (byIdentity is not null && !ReferenceEquals(byIdentity, byKey))
        {
            candidates.Add(byIdentity.ToCandidate());
        }

        var match = PersonMatcher.Match(identity, candidates);
        PersonState person;
        if (match.Kind == PersonMatchKind.Create)
        {
            var fields = row.Result.Row;
            person = new PersonState(
                _nextProvisionalId++, true, key is null ? [] : [key], identityKey,
                NullIfBlank(fields.LastName), NullIfBlank(fields.FirstName), fields.DateOfBirth);
            _newPeople.Add(person);
            Register(_byKey, key, person);
            Register(_byIdentity, identityKey, person);
            row.Added = true;
        }
        else
        {
            person = match.PersonId == byKey?.Id ? byKey! : byIdentity!;
            if (match.PatientKeyToAdd is { } added)
            {
                person.PatientKeys.Add(added);
                if (!person.IsNew)
                {
                    person.AddedKeys.Add(added);
                }

                Register(_byKey, added, person);
                row.Added = true;
            }
        }

        row.Person = person;
    }

    private void MatchCases(RowWork row)
    {
        var person = row.Person!;
        var result = row.Result;
        var accession = LabResultMatcher.NormalizeAccession(result.Row.AccessionNumber);
        var patientProperties = PatientCaseProperties.From(result.Row, result.County);
        var labProperties = LabResultProperties.From(result.Row);

        var match = IndexCaseMatcher.Match(result.County.Fips, accession, [.. person.Cases.Select(c => c.ToCandidate())]);
        if (match.Kind == IndexCaseMatchKind.Create)
        {
            var created = CaseState.Create(_nextProvisionalId++, person, result.County, patientProperties);
            person.Cases.Add(created);
            _newCases.Add(created);
            row.Added = true;
            AddLabResult(row, created, accession, labProperties);
            row.IndexCases.Add(created);
            return;
        }

        foreach (var indexCase in match.IndexCaseIds.Select(id => person.Cases.First(c => c.Id == id)))
        {
            row.Added |= indexCase.Merge(patientProperties, result.TestResultId, _conflicts);
            var labId = LabResultMatcher.Match(accession, [.. indexCase.LabResults.Select(l => new LabResultCandidate(l.Id, l.AccessionNumber))]);
            if (labId is null)
            {
                AddLabResult(row, indexCase, accession, labProperties);
                indexCase.Changed = true;
            }
            else if (indexCase.LabResults.First(l => l.Id == labId).Merge(labProperties, result.TestResultId, _conflicts))
            {
                indexCase.Changed = true;
                row.Added = true;
            }

            row.IndexCases.Add(indexCase);
        }
    }

    private void AddLabResult(RowWork row, CaseState indexCase, string accession, IReadOnlyDictionary<string, string> properties)
    {
        var externalId = CaseExternalIds.LabResult(indexCase.Person.Id, row.Result.Row.PatientKey, accession);
        var labResult = new LabState(_nextProvisionalId++, true, indexCase, accession, externalId, properties);
        indexCase.LabResults.Add(labResult);
        _newLabResults.Add(labResult);
        row.Added = true;
    }

    private static void Register(Dictionary<string, PersonState> index, string? key, PersonState person)
    {
        // The lowest id holds a key or identity when stored data has it twice, as the matcher would decide.
        if (key is not null && (!index.TryGetValue(key, out var held) || person.Id < held.Id))
        {
            index[key] = person;
        }
    }

    private static void Assign<T>(List<T> items, IReadOnlyList<long> ids, Action<T, long> set)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count != items.Count)
        {
            throw new ArgumentException($"expected {items.Count} ids, got {ids.Count}", nameof(ids));
        }

        for (var i = 0; i < items.Count; i++)
        {
            set(items[i], ids[i]);
        }
    }

    private static string? NullIfBlank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed class RowWork(PendingResult result)
    {
        public PendingResult Result { get; } = result;
        public PersonState? Person { get; set; }
        public List<CaseState> IndexCases { get; } = [];
        public bool Added { get; set; }
        public string? Outcome { get; private set; }
        public string? Detail { get; private set; }

        public void Ignore(string reason)
        {
            Outcome = TransformOutcomeKind.Ignored;
            Detail = reason;
        }

        // A result the matching code cannot handle fails alone; the rest of the batch goes on.
        public void Run(Action match)
        {
            try
            {
                match();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                Person = null;
                Outcome = TransformOutcomeKind.Failed;
                Detail = $"{ex.GetType().Name}: {ex.Message}";
            }
        }

        public ResultOutcome ToOutcome() => new(
            Result.TestResultId,
            Outcome ?? (Added ? TransformOutcomeKind.Transformed : TransformOutcomeKind.NoNewInformation),
            Detail,
            Person?.Id,
            [.. IndexCases.Select(c => c.Id).Distinct()]);
    }
}
