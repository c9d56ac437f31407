using System.Globalization;
using System.Text.Json;
using Npgsql;
using Viaduct.Shared.Data;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.People;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Engines.E2.Transformer.Transform;

/// <summary>A claimed test_results row: how to read it, and its county code.</summary>
public sealed record ClaimedResult(long Id, short EclrsVersion, string CountyCode, string RawData);

/// <summary>E2's SQL: the claim, the locks and loads around <see cref="TransformBatch"/>, and set-based writes of its outcome.</summary>
internal static class TransformStore
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> results in one statement. The claim and the work share one transaction:
    /// the row locks keep other replicas off, and if this one dies the results are simply ready again.
    /// </summary>
    public static async Task<List<ClaimedResult>> ClaimAsync(NpgsqlConnection connection, int limit, EngineIdentity identity, CancellationToken cancellationToken)
    {
        await using var command = NpgsqlExecution.Command(connection, """
            UPDATE test_results SET transformed_at = now(), transformed_by = $2
            WHERE id IN (
                SELECT id FROM test_results WHERE transformed_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id, eclrs_version, county_code, raw_data
            """, limit, identity.ToString());
        var claimed = new List<ClaimedResult>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedResult(reader.GetInt64(0), reader.GetInt16(1), reader.GetString(2), reader.GetString(3)));
        }

        return claimed;
    }

    /// <summary>
    /// Takes the advisory locks of the batch's patient keys and identities (in ascending order, so replicas never
    /// deadlock on them), then reads the people those lead to. Whoever creates a person or adds a key holds the
    /// same locks, so what is read stays true until commit.
    /// </summary>
    public static async Task<List<StoredPerson>> LockAndLoadPeopleAsync(
        NpgsqlConnection connection, IReadOnlyCollection<string> patientKeys, IReadOnlyCollection<string> identityKeys, CancellationToken cancellationToken)
    {
        var lockIds = patientKeys.Select(PersonIdentity.PatientKeyLock)
            .Concat(identityKeys.Select(PersonIdentity.IdentityLock))
            .Distinct().Order().ToArray();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                NpgsqlExecution.BatchCommand("SELECT count(pg_advisory_xact_lock(l)) FROM (SELECT l FROM unnest($1::bigint[]) AS l ORDER BY l) AS ordered", lockIds),
                // One index probe per key and per identity: person_keys by primary key, people by identity_key.
                NpgsqlExecution.BatchCommand("""
                    SELECT p.id, p.patient_keys, p.identity_key, p.last_name, p.first_name, p.date_of_birth
                    FROM (SELECT person_id FROM person_keys WHERE patient_key = ANY($1::text[])
                          UNION
                          SELECT id FROM people WHERE identity_key = ANY($2::text[])) AS matched
                    JOIN people p ON p.id = matched.person_id
                    """, patientKeys.ToArray(), identityKeys.ToArray()),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var people = new List<StoredPerson>();
        while (await reader.ReadAsync(cancellationToken))
        {
            people.Add(new StoredPerson(
                reader.GetInt64(0), reader.GetFieldValue<string[]>(1), NullableString(reader, 2), NullableString(reader, 3),
                NullableString(reader, 4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5)));
        }

        return people;
    }

    /// <summary>Takes <paramref name="count"/> ids from the identity sequence of <paramref name="table"/>.</summary>
    public static async Task<long[]> NextIdsAsync(NpgsqlConnection connection, string table, int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return [];
        }

        // The sequence is looked up once, not once per id.
        return await connection.ScalarAsync<long[]>("""
            SELECT array_agg(nextval(s.sequence) ORDER BY g)
            FROM (SELECT pg_get_serial_sequence($1, 'id')::regclass AS sequence) AS s, generate_series(1, $2) AS g
            """, cancellationToken, table, count) ?? [];
    }

    /// <summary>
    /// Locks the matched people's rows (ascending ids), writes the people and keys the batch added, then reads
    /// the people's index cases and lab results. Every writer of a person's cases takes the person's row lock first.
    /// </summary>
    public static async Task<(List<StoredCase> Cases, List<StoredLabResult> LabResults)> SavePeopleAndLoadCasesAsync(
        NpgsqlConnection connection, TransformBatch batch, EngineIdentity identity, CancellationToken cancellationToken)
    {
        var stored = batch.MatchedStoredPeople;
        var created = batch.NewPeople;
        var withNewKeys = stored.Where(p => p.AddedKeys.Count > 0).ToList();
        var storedIds = stored.Select(p => p.Id).ToArray();
        var newKeys = created.SelectMany(p => p.PatientKeys.Select(k => (Key: k, PersonId: p.Id)))
            .Concat(withNewKeys.SelectMany(p => p.AddedKeys.Select(k => (Key: k, PersonId: p.Id))))
            .ToList();
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("SELECT 1 FROM people WHERE id = ANY($1) ORDER BY id FOR UPDATE", storedIds),
            new SqlStatement("""
                INSERT INTO people (id, patient_keys, identity_key, last_name, first_name, date_of_birth, created_by)
                SELECT id, keys::text[], identity_key, last_name, first_name, date_of_birth, $7
                FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[])
                    AS u(id, keys, identity_key, last_name, first_name, date_of_birth)
                """,
                created.Select(p => p.Id).ToArray(), created.Select(p => ArrayLiteral(p.PatientKeys)).ToArray(),
                created.Select(p => p.IdentityKey).ToArray(), created.Select(p => p.LastName).ToArray(),
                created.Select(p => p.FirstName).ToArray(), created.Select(p => p.DateOfBirth).ToArray(), identity.ToString()),
            new SqlStatement("""
                UPDATE people p SET patient_keys = p.patient_keys || u.keys::text[], updated_at = now()
                FROM unnest($1::bigint[], $2::text[]) AS u(id, keys)
                WHERE p.id = u.id
                """, withNewKeys.Select(p => p.Id).ToArray(), withNewKeys.Select(p => ArrayLiteral(p.AddedKeys)).ToArray()),
            // The primary key refuses a key a second person would take: the advisory locks make that never happen.
            new SqlStatement("""
                INSERT INTO person_keys (patient_key, person_id) SELECT * FROM unnest($1::text[], $2::bigint[])
                """, newKeys.Select(k => k.Key).ToArray(), newKeys.Select(k => k.PersonId).ToArray()));

        await using var loads = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                NpgsqlExecution.BatchCommand("""
                    SELECT id, person_id, county_fips, closed, registered_in_error, transfer_state, properties::text
                    FROM index_cases WHERE person_id = ANY($1)
                    """, storedIds),
                NpgsqlExecution.BatchCommand("""
                    SELECT l.id, l.index_case_id, l.accession_number, l.properties::text
                    FROM lab_results l JOIN index_cases c ON c.id = l.index_case_id
                    WHERE c.person_id = ANY($1)
                    """, storedIds),
            },
        };
        var cases = new List<StoredCase>();
        var labResults = new List<StoredLabResult>();
        await using var reader = await loads.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            cases.Add(new StoredCase(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4),
                reader.GetString(5), ReadProperties(reader.GetString(6))));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            labResults.Add(new StoredLabResult(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), ReadProperties(reader.GetString(3))));
        }

        return (cases, labResults);
    }

    /// <summary>
    /// Writes the cases and lab results the batch created or added to, and the values it dropped: each dropped value
    /// once per case or lab result (the first result that brought it), so transforming results again adds nothing.
    /// </summary>
    public static async Task SaveCasesAsync(NpgsqlConnection connection, TransformBatch batch, EngineIdentity identity, CancellationToken cancellationToken)
    {
        var who = identity.ToString();
        var newCases = batch.NewCases;
        var changedCases = batch.ChangedCases;
        var newLabs = batch.NewLabResults;
        var changedLabs = batch.ChangedLabResults;
        var conflicts = batch.Conflicts;
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                INSERT INTO index_cases (id, person_id, county_fips, external_id, properties, postable, created_by, updated_by)
                SELECT id, person_id, county_fips, external_id, properties::jsonb, postable, $7, $7
                FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::boolean[])
                    AS u(id, person_id, county_fips, external_id, properties, postable)
                """,
                newCases.Select(c => c.Id).ToArray(), newCases.Select(c => c.Person.Id).ToArray(), newCases.Select(c => c.CountyFips).ToArray(),
                newCases.Select(c => Cases.CaseExternalIds.Patient(c.Person.Id)).ToArray(),
                newCases.Select(c => Json(c.Properties.Values)).ToArray(), newCases.Select(c => c.Postable).ToArray(), who),
            new SqlStatement("""
                UPDATE index_cases c SET properties = c.properties || u.added::jsonb, version = c.version + 1,
                    changed_at = now(), updated_by = $3
                FROM unnest($1::bigint[], $2::text[]) AS u(id, added)
                WHERE c.id = u.id
                """, changedCases.Select(c => c.Id).ToArray(), changedCases.Select(c => Json(c.Properties.Added)).ToArray(), who),
            new SqlStatement("""
                INSERT INTO lab_results (id, index_case_id, accession_number, external_id, properties, created_by)
                SELECT id, index_case_id, accession_number, external_id, properties::jsonb, $6
                FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[])
                    AS u(id, index_case_id, accession_number, external_id, properties)
                """,
                newLabs.Select(l => l.Id).ToArray(), newLabs.Select(l => l.IndexCase.Id).ToArray(), newLabs.Select(l => l.AccessionNumber).ToArray(),
                newLabs.Select(l => l.ExternalId).ToArray(), newLabs.Select(l => Json(l.Properties.Values)).ToArray(), who),
            new SqlStatement("""
                UPDATE lab_results l SET properties = l.properties || u.added::jsonb, version = l.version + 1, changed_at = now()
                FROM unnest($1::bigint[], $2::text[]) AS u(id, added)
                WHERE l.id = u.id
                """, changedLabs.Select(l => l.Id).ToArray(), changedLabs.Select(l => Json(l.Properties.Added)).ToArray()),
            new SqlStatement("""
                INSERT INTO merge_conflicts (subject_type, subject_id, property, existing_value, incoming_value, test_result_id, engine, host)
                SELECT subject_type, subject_id, property, existing_value, incoming_value, test_result_id, $7, $8
                FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[])
                    AS u(subject_type, subject_id, property, existing_value, incoming_value, test_result_id)
                WHERE NOT EXISTS (
                    SELECT 1 FROM merge_conflicts m
                    WHERE m.subject_type = u.subject_type AND m.subject_id = u.subject_id AND m.property = u.property
                        AND m.existing_value = u.existing_value AND m.incoming_value = u.incoming_value)
                """,
                conflicts.Select(c => c.SubjectType).ToArray(), conflicts.Select(c => c.SubjectId).ToArray(),
                conflicts.Select(c => c.Conflict.Property).ToArray(), conflicts.Select(c => c.Conflict.ExistingValue).ToArray(),
                conflicts.Select(c => c.Conflict.IncomingValue).ToArray(), conflicts.Select(c => c.TestResultId).ToArray(),
                identity.Engine, identity.Host));
    }

    /// <summary>Records one outcome per claimed result and, when a postable case changed, wakes E3.</summary>
    public static async Task RecordOutcomesAsync(
        NpgsqlConnection connection, IReadOnlyList<ResultOutcome> outcomes, bool casesChanged, EngineIdentity identity, CancellationToken cancellationToken)
    {
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                INSERT INTO transform_outcomes (test_result_id, outcome, detail, person_id, index_case_ids, engine, host)
                SELECT test_result_id, outcome, detail, person_id, index_case_ids::bigint[], $6, $7
                FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[])
                    AS u(test_result_id, outcome, detail, person_id, index_case_ids)
                """,
                outcomes.Select(o => o.TestResultId).ToArray(), outcomes.Select(o => o.Outcome).ToArray(),
                outcomes.Select(o => o.Detail).ToArray(), outcomes.Select(o => o.PersonId).ToArray(),
                outcomes.Select(o => "{" + string.Join(',', o.IndexCaseIds.Select(id => id.ToString(CultureInfo.InvariantCulture))) + "}").ToArray(),
                identity.Engine, identity.Host),
            new SqlStatement("SELECT pg_notify($1, '') WHERE $2", Notifications.IndexCasesChanged, casesChanged));
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static Dictionary<string, string> ReadProperties(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    private static string Json(IReadOnlyDictionary<string, string> properties) => JsonSerializer.Serialize(properties);

    /// <summary>A PostgreSQL array literal of text values, quoted and escaped: <c>{"a","b \"c\""}</c>.</summary>
    private static string ArrayLiteral(IEnumerable<string> values) =>
        "{" + string.Join(',', values.Select(v => "\"" + v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"")) + "}";
}
