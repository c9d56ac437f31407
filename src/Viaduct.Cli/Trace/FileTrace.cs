using System.Globalization;
using Npgsql;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Cli.Trace;

/// <summary>
/// A file: its own steps (E1's and operators'), and a summary of what became of its results rather than thousands of
/// rows: E2's outcomes, the cases they touched, where those cases stand, and each later engine's work on them, one
/// step per engine host and kind.
/// </summary>
internal static class FileTrace
{
    public static async Task<TraceReport?> ReadAsync(NpgsqlConnection connection, long fileId, int limit, CancellationToken cancellationToken)
    {
        var trace = new TraceBuilder("file", fileId);
        await using (var command = NpgsqlExecution.Command(connection, """
            SELECT bucket, object_key, etag, size_bytes, eclrs_version, state, duplicate_of_file_id, error, row_count, new_count,
                   duplicate_count, bad_count, received_at, processing_at, coalesce(processed_at, failed_at), claimed_by, attempts,
                   replay_requested_at, (SELECT array_agg(id ORDER BY id) FROM files d WHERE d.duplicate_of_file_id = files.id)
            FROM files WHERE id = $1
            """, fileId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            trace.Fact("object", $"s3://{reader.GetString(0)}/{reader.GetString(1)} (etag {reader.GetString(2)}{(reader.IsDBNull(3) ? "" : $", {reader.GetInt64(3)} bytes")}{(reader.IsDBNull(4) ? "" : $", ECLRS version {reader.GetInt16(4)}")})");
            trace.Fact("state", $"{reader.GetString(5)}{(reader.IsDBNull(6) ? "" : $" (same content as file {reader.GetInt64(6)})")}{(reader.IsDBNull(17) ? "" : $", replay requested {TraceBuilder.Time(reader.GetDateTime(17))}")}");
            if (!reader.IsDBNull(7))
            {
                trace.Fact("reason", reader.GetString(7).ReplaceLineEndings(" "));
            }

            trace.Fact("rows", $"{reader.GetInt32(8)} (new {reader.GetInt32(9)}, duplicate {reader.GetInt32(10)}, bad {reader.GetInt32(11)})");
            trace.Fact("import", $"received {TraceBuilder.Time(reader.GetDateTime(12))}, started {TraceBuilder.Time(reader.IsDBNull(13) ? null : reader.GetDateTime(13))}, finished {TraceBuilder.Time(reader.IsDBNull(14) ? null : reader.GetDateTime(14))}, {reader.GetInt32(16)} attempt(s){(reader.IsDBNull(15) ? "" : ", last by " + reader.GetString(15))}");
            if (!reader.IsDBNull(18))
            {
                trace.Fact("duplicates", $"files {TraceBuilder.Ids(reader.GetFieldValue<long[]>(18))} had the same content");
            }
        }

        await AddBadRowsAsync(connection, fileId, trace, cancellationToken);
        var cases = await AddResultsAsync(connection, fileId, trace, cancellationToken);
        await AddCasesAsync(connection, cases, trace, cancellationToken);

        await StepReader.AddAsync(connection, trace.Steps, trace.Redactor, """
            SELECT occurred_at, engine, host, 'file ' || subject_id, kind, nullif(detail::text, '{}'), NULL::text
            FROM events WHERE subject_type = 'file' AND subject_id = $1
            """, cancellationToken, fileId);
        await StepReader.AddAsync(connection, trace.Steps, trace.Redactor, """
            SELECT min(o.recorded_at), o.engine, o.host, 'file ' || $1 || ' results', 'transformed',
                   format('%s transformation(s) until %s: %s', count(*), to_char(max(o.recorded_at), 'YYYY-MM-DD HH24:MI:SS'),
                       string_agg(DISTINCT o.outcome, ', ')),
                   NULL::text
            FROM transform_outcomes o WHERE o.test_result_id IN (SELECT id FROM test_results WHERE file_id = $1)
            GROUP BY o.engine, o.host
            UNION ALL
            SELECT min(e.occurred_at), e.engine, e.host, 'file ' || $1 || ' results', e.kind,
                   format('%s result(s)', sum((e.detail->>'results')::bigint)), NULL
            FROM events e
            WHERE e.subject_type = 'test_result_range' AND e.detail->'selection'->>'file_id' = $1::text
            GROUP BY e.engine, e.host, e.kind
            """, cancellationToken, fileId);
        // The later engines' work on the cases the file's results touched, one step per engine host and kind.
        await StepReader.AddAsync(connection, trace.Steps, trace.Redactor, """
            SELECT min(e.occurred_at), e.engine, e.host, 'cases of file ' || $2, e.kind,
                   format('%s case(s), until %s', count(DISTINCT e.subject_id), to_char(max(e.occurred_at), 'YYYY-MM-DD HH24:MI:SS')), NULL::text
            FROM events e WHERE e.subject_type = 'index_case' AND e.subject_id = ANY($1)
            GROUP BY e.engine, e.host, e.kind
            UNION ALL
            SELECT min(a.attempted_at), a.engine, a.host, 'cases of file ' || $2, 'post ' || a.outcome,
                   format('%s tries for %s case(s), until %s', count(*), count(DISTINCT a.index_case_id),
                       to_char(max(a.attempted_at), 'YYYY-MM-DD HH24:MI:SS')),
                   NULL
            FROM post_attempts a WHERE a.index_case_id = ANY($1)
            GROUP BY a.engine, a.host, a.outcome
            UNION ALL
            SELECT min(s.synced_at), s.engine, s.host, 'cases of file ' || $2, 'synced ' || s.kind,
                   format('%s change(s) to %s case(s), until %s', count(*), count(DISTINCT s.index_case_id),
                       to_char(max(s.synced_at), 'YYYY-MM-DD HH24:MI:SS')),
                   NULL
            FROM sync_changes s WHERE s.index_case_id = ANY($1)
            GROUP BY s.engine, s.host, s.kind
            """, cancellationToken, cases, fileId);
        return trace.Build(limit);
    }

    private static async Task AddBadRowsAsync(NpgsqlConnection connection, long fileId, TraceBuilder trace, CancellationToken cancellationToken)
    {
        // The reason only: raw_data is the row itself, patient data.
        await using var command = NpgsqlExecution.Command(connection, """
            SELECT reason, count(*), min(line_number) FROM bad_rows WHERE file_id = $1 GROUP BY reason ORDER BY count(*) DESC, reason LIMIT 10
            """, fileId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            trace.Fact("bad rows", $"{reader.GetInt64(1)} x {reader.GetString(0)} (first on line {reader.GetInt32(2)})");
        }
    }

    /// <summary>The results' figures and E2's outcomes; returns the ids of the cases they touched.</summary>
    private static async Task<long[]> AddResultsAsync(NpgsqlConnection connection, long fileId, TraceBuilder trace, CancellationToken cancellationToken)
    {
        await using (var command = NpgsqlExecution.Command(connection, """
            SELECT count(*), count(*) FILTER (WHERE transformed_at IS NULL), min(id), max(id), min(created_at)
            FROM test_results WHERE file_id = $1
            """, fileId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            var stored = reader.GetInt64(0);
            trace.Fact("results", stored == 0
                ? "none stored"
                : $"{stored} stored (ids {reader.GetInt64(2)} to {reader.GetInt64(3)}, from {TraceBuilder.Time(reader.GetDateTime(4))}), {reader.GetInt64(1)} waiting for E2");
        }

        // Each result's latest outcome: a result transformed again counts once, as it stands now.
        await using (var command = NpgsqlExecution.Command(connection, """
            SELECT outcome, count(*), count(DISTINCT person_id) FROM (
                SELECT DISTINCT ON (o.test_result_id) o.outcome, o.person_id
                FROM transform_outcomes o WHERE o.test_result_id IN (SELECT id FROM test_results WHERE file_id = $1)
                ORDER BY o.test_result_id, o.id DESC) AS latest
            GROUP BY outcome ORDER BY outcome
            """, fileId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var parts = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)} {reader.GetInt64(1)}"));
            }

            trace.Fact("E2 outcomes", parts.Count == 0 ? "none yet" : string.Join(", ", parts));
        }

        await using (var command = NpgsqlExecution.Command(connection, """
            SELECT coalesce(array_agg(DISTINCT c ORDER BY c), '{}'), count(DISTINCT o.person_id)
            FROM transform_outcomes o LEFT JOIN LATERAL unnest(o.index_case_ids) AS c ON true
            WHERE o.test_result_id IN (SELECT id FROM test_results WHERE file_id = $1) AND c IS NOT NULL
            """, fileId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            var cases = reader.GetFieldValue<long[]>(0);
            trace.Fact("people", $"{reader.GetInt64(1)}");
            return cases;
        }
    }

    private static async Task AddCasesAsync(NpgsqlConnection connection, long[] cases, TraceBuilder trace, CancellationToken cancellationToken)
    {
        await using var command = NpgsqlExecution.Command(connection, """
            SELECT CASE WHEN NOT postable THEN 'not postable' ELSE coalesce(post_state, 'not enqueued') END, count(*)
            FROM index_cases WHERE id = ANY($1) GROUP BY 1 ORDER BY 2 DESC, 1
            """, cases);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var parts = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)} {reader.GetInt64(1)}"));
        }

        trace.Fact("cases touched", cases.Length == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{cases.Length}: {string.Join(", ", parts)} ({TraceBuilder.Ids(cases, 10)})"));
    }
}
