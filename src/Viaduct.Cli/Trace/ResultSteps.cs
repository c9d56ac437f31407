using Npgsql;

namespace Viaduct.Cli.Trace;

/// <summary>
/// What happened to some test results: E1 stored each (from its file, whose own steps come along), operators sent
/// them back to E2, E2 claimed them and recorded an outcome each time it transformed them, and the values it
/// dropped (property names only; the values are patient data).
/// </summary>
internal static class ResultSteps
{
    public static Task AddAsync(NpgsqlConnection connection, long[] resultIds, List<TraceStep> steps, PhiRedactor redactor, CancellationToken cancellationToken) =>
        StepReader.AddAsync(connection, steps, redactor, """
            SELECT e.occurred_at, e.engine, e.host, 'file ' || e.subject_id, e.kind, nullif(e.detail::text, '{}'), NULL::text
            FROM events e
            WHERE e.subject_type = 'file' AND e.subject_id IN (SELECT DISTINCT file_id FROM test_results WHERE id = ANY($1))
            UNION ALL
            SELECT t.created_at, 'e1-extractor', f.claimed_by, 'result ' || t.id, 'stored', format('file %s line %s, county code %s', t.file_id, t.line_number, t.county_code), NULL
            FROM test_results t JOIN files f ON f.id = t.file_id WHERE t.id = ANY($1)
            UNION ALL
            SELECT e.occurred_at, e.engine, e.host, 'result ' || t.id, e.kind,
                   format('results %s to %s (%s in all)', e.detail->>'from_id', e.detail->>'to_id', e.detail->>'results'), NULL
            FROM test_results t
            JOIN events e ON e.subject_type = 'test_result_range' AND e.subject_id <= t.id AND (e.detail->>'to_id')::bigint >= t.id
            WHERE t.id = ANY($1)
                AND (e.detail->'selection'->>'file_id' IS NULL OR (e.detail->'selection'->>'file_id')::bigint = t.file_id)
                AND (e.detail->'selection'->>'since' IS NULL OR t.created_at >= (e.detail->'selection'->>'since')::timestamptz)
                AND (e.detail->'selection'->>'until' IS NULL OR t.created_at < (e.detail->'selection'->>'until')::timestamptz)
            UNION ALL
            SELECT t.transformed_at, split_part(t.transformed_by, '@', 1), nullif(split_part(t.transformed_by, '@', 2), ''), 'result ' || t.id,
                   'claimed', 'latest claim', NULL
            FROM test_results t WHERE t.id = ANY($1) AND t.transformed_at IS NOT NULL
            UNION ALL
            SELECT o.recorded_at, o.engine, o.host, 'result ' || o.test_result_id, o.outcome,
                   concat_ws(', ', 'person ' || o.person_id, 'cases ' || nullif(array_to_string(o.index_case_ids, ' '), '')), o.detail
            FROM transform_outcomes o WHERE o.test_result_id = ANY($1)
            UNION ALL
            SELECT m.recorded_at, m.engine, m.host, 'result ' || m.test_result_id, 'value dropped',
                   format('%s %s already held another %s', replace(m.subject_type, '_', ' '), m.subject_id, m.property), NULL
            FROM merge_conflicts m WHERE m.test_result_id = ANY($1)
            """, cancellationToken, resultIds);
}
