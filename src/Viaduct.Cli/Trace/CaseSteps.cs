using Npgsql;

namespace Viaduct.Cli.Trace;

/// <summary>
/// What happened to some index cases after E2 made them: E2's creation, E3's enqueues, E4's posting tries, operators'
/// re-enqueues, E5's changes from CommCare, and E5's pulls of the domains they were posted to (the first after the
/// post, which brought the post back, and the latest).
/// </summary>
internal static class CaseSteps
{
    public static Task AddAsync(NpgsqlConnection connection, long[] caseIds, List<TraceStep> steps, PhiRedactor redactor, CancellationToken cancellationToken) =>
        StepReader.AddAsync(connection, steps, redactor, """
            SELECT c.created_at, split_part(c.created_by, '@', 1), nullif(split_part(c.created_by, '@', 2), ''), 'case ' || c.id, 'created',
                   format('person %s, county %s%s', c.person_id, c.county_fips, CASE WHEN c.postable THEN '' ELSE ', not postable (county does not take part)' END),
                   NULL::text
            FROM index_cases c WHERE c.id = ANY($1)
            UNION ALL
            SELECT e.occurred_at, e.engine, e.host, 'case ' || e.subject_id, e.kind, nullif(e.detail::text, '{}'), NULL
            FROM events e WHERE e.subject_type = 'index_case' AND e.subject_id = ANY($1)
            UNION ALL
            SELECT a.attempted_at, a.engine, a.host, 'case ' || a.index_case_id, 'post ' || a.outcome,
                   concat_ws(', ', 'job ' || a.job_id, 'try ' || (a.attempt + 1), 'HTTP ' || a.status_code, 'domain ' || a.domain,
                       'remote case ' || a.remote_case_id, 'version ' || a.version),
                   a.reason
            FROM post_attempts a WHERE a.index_case_id = ANY($1)
            UNION ALL
            SELECT s.synced_at, s.engine, s.host, 'case ' || s.index_case_id, 'synced ' || s.kind,
                   concat_ws(', ', 'domain ' || s.domain, 'remote case ' || s.remote_case_id,
                       'fields ' || nullif(array_to_string(s.fields, ' '), '')),
                   NULL
            FROM sync_changes s WHERE s.index_case_id = ANY($1)
            UNION ALL
            SELECT r.started_at, r.engine, r.host, 'domain ' || r.domain, 'pull ' || r.outcome,
                   format('run %s: %s page(s), %s case(s) read, %s changed', r.id, r.pages, r.cases, r.changed), r.error
            FROM (SELECT a.domain, min(a.attempted_at) AS since FROM post_attempts a
                  WHERE a.index_case_id = ANY($1) AND a.outcome IN ('succeeded', 'rerouted') AND a.domain IS NOT NULL
                  GROUP BY a.domain) AS posted
            CROSS JOIN LATERAL (
                (SELECT * FROM sync_runs r WHERE r.domain = posted.domain AND r.started_at >= posted.since ORDER BY r.started_at LIMIT 1)
                UNION
                (SELECT * FROM sync_runs r WHERE r.domain = posted.domain AND r.started_at >= posted.since ORDER BY r.started_at DESC LIMIT 1)) AS r
            """, cancellationToken, caseIds);

    /// <summary>Reads the personal values of the cases and their people, for the redactor only.</summary>
    public static async Task AddToRedactorAsync(NpgsqlConnection connection, long[] caseIds, long[] personIds, PhiRedactor redactor, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT properties::text, NULL, NULL, NULL::date FROM index_cases WHERE id = ANY($1)
            UNION ALL
            SELECT NULL, last_name, first_name, date_of_birth FROM people
            WHERE id = ANY($2) OR id IN (SELECT person_id FROM index_cases WHERE id = ANY($1))
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = caseIds });
        command.Parameters.Add(new NpgsqlParameter { Value = personIds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(0))
            {
                redactor.AddCaseProperties(reader.GetString(0));
            }
            else
            {
                redactor.AddPerson(
                    reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3));
            }
        }
    }
}
