using System.Text.Json;
using Npgsql;
using Viaduct.Testing;

namespace Viaduct.Engines.E2.Transformer.Tests.Support;

public sealed record PersonRow(long Id, string[] PatientKeys, string? IdentityKey);

public sealed record CaseRow(long Id, long PersonId, string CountyFips, string ExternalId, bool Postable, int Version, Dictionary<string, string> Properties);

public sealed record LabRow(long Id, long IndexCaseId, string AccessionNumber, string ExternalId, int Version, Dictionary<string, string> Properties);

public sealed record ConflictRow(string SubjectType, long SubjectId, string Property, string ExistingValue, string IncomingValue);

public sealed record OutcomeRow(long TestResultId, string Outcome, string? Detail, long? PersonId, long[] IndexCaseIds, string Engine, string Host);

/// <summary>What E2 has written, read back for assertions, and a projection without ids to compare two databases.</summary>
public sealed class TransformSnapshot
{
    public required List<PersonRow> People { get; init; }
    public required List<CaseRow> Cases { get; init; }
    public required List<LabRow> LabResults { get; init; }
    public required List<OutcomeRow> Outcomes { get; init; }
    public required List<ConflictRow> Conflicts { get; init; }

    public static async Task<TransformSnapshot> ReadAsync(ViaductDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return new TransformSnapshot
        {
            People = await QueryAsync(database, "SELECT id, patient_keys, identity_key FROM people ORDER BY id",
                r => new PersonRow(r.GetInt64(0), r.GetFieldValue<string[]>(1), r.IsDBNull(2) ? null : r.GetString(2))),
            Cases = await QueryAsync(database,
                "SELECT id, person_id, county_fips, external_id, postable, version, properties::text FROM index_cases ORDER BY id",
                r => new CaseRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), r.GetInt32(5), Properties(r.GetString(6)))),
            LabResults = await QueryAsync(database,
                "SELECT id, index_case_id, accession_number, external_id, version, properties::text FROM lab_results ORDER BY id",
                r => new LabRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetInt32(4), Properties(r.GetString(5)))),
            Outcomes = await QueryAsync(database,
                "SELECT test_result_id, outcome, detail, person_id, index_case_ids, engine, host FROM transform_outcomes ORDER BY id",
                r => new OutcomeRow(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3),
                    r.GetFieldValue<long[]>(4), r.GetString(5), r.GetString(6))),
            Conflicts = await QueryAsync(database,
                "SELECT subject_type, subject_id, property, existing_value, incoming_value FROM merge_conflicts ORDER BY id",
                r => new ConflictRow(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4))),
        };
    }

    /// <summary>
    /// Everything E2 decided, without the ids the database happened to give: each person by their sorted keys and
    /// identity; each case by its person and county; each lab result by its case, accession number and external id
    /// (the person id left out). Properties are compared as every value any result brought (the one kept and the
    /// ones recorded as dropped): which of two disagreeing results came first decides which value is kept, and
    /// replicas racing on one person's results may take them in either order. Two runs over the same results must
    /// agree on all of it.
    /// </summary>
    public IReadOnlyList<string> Canonical()
    {
        var people = People.ToDictionary(p => p.Id, p => string.Join(",", p.PatientKeys.Order(StringComparer.Ordinal)) + "/" + p.IdentityKey);
        var cases = Cases.ToDictionary(c => c.Id, c => $"{people[c.PersonId]} in {c.CountyFips} postable={c.Postable}");
        return
        [
            .. people.Values.Order(StringComparer.Ordinal).Select(p => "person " + p),
            .. Cases.Select(c => $"case {cases[c.Id]} {ValuesSeen("index_case", c.Id, c.Properties)}").Order(StringComparer.Ordinal),
            .. LabResults
                .Select(l => $"lab {cases[l.IndexCaseId]} #{l.AccessionNumber} {ExternalIdWithoutPerson(l.ExternalId)} {ValuesSeen("lab_result", l.Id, l.Properties)}")
                .Order(StringComparer.Ordinal),
        ];
    }

    private string ValuesSeen(string subjectType, long subjectId, Dictionary<string, string> properties)
    {
        // Values equal but for case or surrounding white space are one value to the merge, so they are here too.
        var seen = properties.ToDictionary(p => p.Key, p => new SortedSet<string>(StringComparer.Ordinal) { Normal(p.Value) }, StringComparer.Ordinal);
        foreach (var conflict in Conflicts.Where(c => c.SubjectType == subjectType && c.SubjectId == subjectId))
        {
            seen[conflict.Property].Add(Normal(conflict.IncomingValue));
        }

        return JsonSerializer.Serialize(new SortedDictionary<string, SortedSet<string>>(seen, StringComparer.Ordinal));
    }

    private static string Normal(string value) => value.Trim().ToUpperInvariant();

    private static string ExternalIdWithoutPerson(string externalId) => externalId[externalId.IndexOf('#', StringComparison.Ordinal)..];

    private static Dictionary<string, string> Properties(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;

    private static async Task<List<T>> QueryAsync<T>(ViaductDatabase database, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
