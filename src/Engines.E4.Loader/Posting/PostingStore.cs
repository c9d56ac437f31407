using System.Text.Json;
using Npgsql;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Engines.E4.Loader.Posting;

/// <summary>The outcome of one try for one case, as <c>post_attempts</c> records it.</summary>
public sealed record AttemptRecord(long IndexCaseId, string Outcome, int? StatusCode, string? Reason, string? Domain, string? RemoteCaseId, int? Version);

/// <summary>A case posted: the version sent, where, and CommCare's ids for it and its lab results.</summary>
public sealed record PostedCase(long IndexCaseId, int Version, string Domain, string? CaseId, IReadOnlyList<(long LabResultId, int Version, string? CaseId)> LabResults);

/// <summary>E4's SQL: the per-case posting lock, reading cases, and recording what each try came to.</summary>
internal static class PostingStore
{
    /// <summary>
    /// Takes session-level advisory locks on the cases that no other job is posting right now, and returns their
    /// ids. Two jobs never post one case at once (CommCare would create it twice).
    /// </summary>
    public static async Task<HashSet<long>> TryLockAsync(NpgsqlConnection connection, long[] caseIds, CancellationToken cancellationToken)
    {
        await using var command = NpgsqlExecution.Command(connection, """
            SELECT id FROM unnest($1::bigint[]) AS id WHERE pg_try_advisory_lock(('x' || md5('post:' || id))::bit(64)::bigint)
            """, caseIds);
        var locked = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            locked.Add(reader.GetInt64(0));
        }

        return locked;
    }

    public static async Task UnlockAllAsync(NpgsqlConnection connection) =>
        await connection.ExecuteAsync("SELECT pg_advisory_unlock_all()", CancellationToken.None);

    public static async Task<List<CaseToPost>> LoadAsync(NpgsqlConnection connection, long[] caseIds, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                NpgsqlExecution.BatchCommand("""
                    SELECT c.id, c.person_id, c.county_fips, co.domain, co.location_id, c.external_id, c.case_id, c.posted_domain,
                        c.properties::text, c.version, c.posted_version, c.post_state, c.post_job_id, c.postable,
                        EXISTS (SELECT 1 FROM index_cases s WHERE s.person_id = c.person_id AND s.county_fips = c.county_fips
                                AND s.id <> c.id AND s.transfer_state <> 'none')
                    FROM index_cases c JOIN counties co ON co.fips = c.county_fips
                    WHERE c.id = ANY($1) ORDER BY c.id
                    """, caseIds),
                NpgsqlExecution.BatchCommand("""
                    SELECT index_case_id, id, accession_number, external_id, properties::text, version, case_id
                    FROM lab_results WHERE index_case_id = ANY($1) ORDER BY id
                    """, caseIds),
            },
        };
        var rows = new List<(long Id, Func<IReadOnlyList<LabResultToPost>, CaseToPost> Make)>();
        var labs = new Dictionary<long, List<LabResultToPost>>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (id, personId, fips, domain, location) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4));
            var (externalId, caseId, postedDomain) = (reader.GetString(5), Text(reader, 6), Text(reader, 7));
            var properties = Properties(reader.GetString(8));
            var (version, postedVersion, state, jobId, postable) = (reader.GetInt32(9), reader.GetInt32(10), Text(reader, 11), Text(reader, 12), reader.GetBoolean(13));
            var siblingTransferred = reader.GetBoolean(14);
            rows.Add((id, labResults => new CaseToPost(
                id, personId, fips, domain, location, externalId, caseId, postedDomain, properties, version, postedVersion, state, jobId, postable, labResults)
            {
                SiblingTransferred = siblingTransferred,
            }));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var caseId = reader.GetInt64(0);
            if (!labs.TryGetValue(caseId, out var list))
            {
                labs[caseId] = list = [];
            }

            list.Add(new LabResultToPost(
                reader.GetInt64(1), reader.GetString(2), reader.GetString(3), Properties(reader.GetString(4)), reader.GetInt32(5), Text(reader, 6)));
        }

        return [.. rows.Select(r => r.Make(labs.GetValueOrDefault(r.Id) ?? []))];
    }

    /// <summary>Every county's CommCare domain and owner, by FIPS code and by domain (for rerouting to another county).</summary>
    public static async Task<List<(string Fips, string Domain, string LocationId)>> CountiesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = NpgsqlExecution.Command(connection, "SELECT fips, domain, location_id FROM counties");
        var counties = new List<(string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counties.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return counties;
    }

    /// <summary>Marks cases posted (the version sent; their CommCare ids when posted to their own county) and records the attempts.</summary>
    public static async Task RecordPostedAsync(
        NpgsqlConnection connection, IReadOnlyList<PostedCase> posted, IReadOnlyList<AttemptRecord> attempts, string? jobId, int attempt,
        EngineIdentity identity, CancellationToken cancellationToken)
    {
        var labs = posted.SelectMany(p => p.LabResults).ToList();
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                UPDATE index_cases c SET post_state = 'posted', posted_version = greatest(c.posted_version, u.version), posted_at = now(),
                    posted_domain = u.domain, case_id = coalesce(u.case_id, c.case_id), post_job_id = NULL, post_error = NULL,
                    enqueued_version = greatest(c.enqueued_version, u.version)
                FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[]) AS u(id, version, domain, case_id)
                WHERE c.id = u.id
                """,
                posted.Select(p => p.IndexCaseId).ToArray(), posted.Select(p => p.Version).ToArray(),
                posted.Select(p => p.Domain).ToArray(), posted.Select(p => p.CaseId).ToArray()),
            new SqlStatement("""
                UPDATE lab_results l SET posted_version = greatest(l.posted_version, u.version), case_id = coalesce(u.case_id, l.case_id)
                FROM unnest($1::bigint[], $2::int[], $3::text[]) AS u(id, version, case_id)
                WHERE l.id = u.id
                """, labs.Select(l => l.LabResultId).ToArray(), labs.Select(l => l.Version).ToArray(), labs.Select(l => l.CaseId).ToArray()),
            Attempts(attempts, jobId, attempt, identity));
    }

    /// <summary>Parks cases refused for good: not retried until an operator re-enqueues them.</summary>
    public static async Task RecordParkedAsync(
        NpgsqlConnection connection, IReadOnlyList<AttemptRecord> attempts, string? jobId, int attempt, EngineIdentity identity, CancellationToken cancellationToken)
    {
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                UPDATE index_cases c SET post_state = 'parked', post_job_id = NULL, post_error = u.reason
                FROM unnest($1::bigint[], $2::text[]) AS u(id, reason)
                WHERE c.id = u.id
                """, attempts.Select(a => a.IndexCaseId).ToArray(), attempts.Select(a => a.Reason).ToArray()),
            Attempts(attempts, jobId, attempt, identity));
    }

    /// <summary>Records failed or discarded tries; a failure's reason is kept on the case for operators.</summary>
    public static async Task RecordAttemptsAsync(
        NpgsqlConnection connection, IReadOnlyList<AttemptRecord> attempts, string? jobId, int attempt, EngineIdentity identity, CancellationToken cancellationToken)
    {
        var failed = attempts.Where(a => a.Outcome == Shared.Data.Model.PostAttemptOutcome.Failed).ToList();
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                UPDATE index_cases c SET post_error = u.reason
                FROM unnest($1::bigint[], $2::text[]) AS u(id, reason)
                WHERE c.id = u.id
                """, failed.Select(a => a.IndexCaseId).ToArray(), failed.Select(a => a.Reason).ToArray()),
            Attempts(attempts, jobId, attempt, identity));
    }

    /// <summary>Settles cases a job found nothing to do for: already posted at this version.</summary>
    public static async Task RecordUpToDateAsync(NpgsqlConnection connection, long[] caseIds, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync("""
            UPDATE index_cases SET post_state = 'posted', post_job_id = NULL, enqueued_version = greatest(enqueued_version, posted_version)
            WHERE id = ANY($1) AND post_state = 'enqueued' AND version <= posted_version
            """, cancellationToken, caseIds);

    private static SqlStatement Attempts(IReadOnlyList<AttemptRecord> attempts, string? jobId, int attempt, EngineIdentity identity) => new("""
        INSERT INTO post_attempts (index_case_id, job_id, attempt, outcome, status_code, reason, domain, remote_case_id, version, engine, host)
        SELECT id, $8, $9, outcome, status_code, reason, domain, remote_case_id, version, $10, $11
        FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[])
            AS u(id, outcome, status_code, reason, domain, remote_case_id, version)
        """,
        attempts.Select(a => a.IndexCaseId).ToArray(), attempts.Select(a => a.Outcome).ToArray(), attempts.Select(a => a.StatusCode).ToArray(),
        attempts.Select(a => a.Reason).ToArray(), attempts.Select(a => a.Domain).ToArray(), attempts.Select(a => a.RemoteCaseId).ToArray(),
        attempts.Select(a => a.Version).ToArray(), jobId, attempt, identity.Engine, identity.Host);

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static Dictionary<string, string> Properties(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
}
