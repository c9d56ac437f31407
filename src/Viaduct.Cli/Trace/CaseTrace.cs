using Npgsql;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Cli.Trace;

/// <summary>An index case: its person, the results that made it, its lab results, enqueues, posting tries and syncs.</summary>
internal static class CaseTrace
{
    public static async Task<TraceReport?> ReadAsync(NpgsqlConnection connection, long caseId, int limit, CancellationToken cancellationToken)
    {
        var trace = new TraceBuilder("case", caseId);
        long personId;
        string? postError;
        await using (var command = NpgsqlExecution.Command(connection, """
            SELECT c.person_id, c.county_fips, k.name, k.domain, k.participating, c.external_id, c.case_id, c.postable, c.closed,
                   c.registered_in_error, c.transfer_state, c.transfer_destination_fips, c.version, c.enqueued_version, c.enqueued_at,
                   c.post_job_id, c.posted_version, c.posted_at, c.posted_domain, c.post_state, c.post_error, c.created_at, c.created_by,
                   c.changed_at, c.updated_by, (SELECT count(*) FROM lab_results l WHERE l.index_case_id = c.id)
            FROM index_cases c LEFT JOIN counties k ON k.fips = c.county_fips WHERE c.id = $1
            """, caseId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            personId = reader.GetInt64(0);
            trace.Fact("person", $"{personId}");
            trace.Fact("county", reader.IsDBNull(2)
                ? reader.GetString(1)
                : $"{reader.GetString(1)} {reader.GetString(2)} (domain {reader.GetString(3)}{(reader.GetBoolean(4) ? "" : ", does not take part")})");
            trace.Fact("external id", $"{reader.GetString(5)}{(reader.IsDBNull(6) ? "" : ", CommCare case " + reader.GetString(6))}");
            trace.Fact("case", string.Concat(
                reader.GetBoolean(7) ? "postable" : "not postable", reader.GetBoolean(8) ? ", closed" : "",
                reader.GetBoolean(9) ? ", registered in error" : "", ", transfer ", reader.GetString(10),
                reader.IsDBNull(11) ? "" : " to " + reader.GetString(11)));
            trace.Fact("created", $"{TraceBuilder.Time(reader.GetDateTime(21))} by {reader.GetString(22)}; changed {TraceBuilder.Time(reader.GetDateTime(23))}{(reader.IsDBNull(24) ? "" : " by " + reader.GetString(24))}");
            trace.Fact("version", $"{reader.GetInt32(12)} (enqueued {reader.GetInt32(13)}, posted {reader.GetInt32(16)})");
            trace.Fact("post state", $"{(reader.IsDBNull(19) ? "not enqueued yet" : reader.GetString(19))}");
            if (!reader.IsDBNull(14))
            {
                trace.Fact("last enqueued", $"{TraceBuilder.Time(reader.GetDateTime(14))}{(reader.IsDBNull(15) ? "" : ", job " + reader.GetString(15))}");
            }

            if (!reader.IsDBNull(17))
            {
                trace.Fact("last posted", $"{TraceBuilder.Time(reader.GetDateTime(17))} to {(reader.IsDBNull(18) ? "?" : reader.GetString(18))}");
            }

            trace.Fact("lab results", $"{reader.GetInt64(25)}");
            postError = reader.IsDBNull(20) ? null : reader.GetString(20);
        }

        await CaseSteps.AddToRedactorAsync(connection, [caseId], [personId], trace.Redactor, cancellationToken);
        if (trace.Redactor.Redact(postError) is { } reason)
        {
            trace.Fact("post error", reason.ReplaceLineEndings(" "));
        }

        // The results that added to the case: the person's outcomes, found by the person's index, that name the case.
        var results = new List<long>();
        await using (var command = NpgsqlExecution.Command(connection, """
            SELECT DISTINCT test_result_id FROM transform_outcomes WHERE person_id = $1 AND $2 = ANY(index_case_ids) ORDER BY 1
            """, personId, caseId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                results.Add(reader.GetInt64(0));
            }
        }

        trace.Fact("results", TraceBuilder.Ids(results));
        await PersonTrace.AddCreatedAsync(connection, [personId], trace, cancellationToken);
        await ResultSteps.AddAsync(connection, [.. results.Take(limit)], trace.Steps, trace.Redactor, cancellationToken);
        await CaseSteps.AddAsync(connection, [caseId], trace.Steps, trace.Redactor, cancellationToken);
        return trace.Build(limit);
    }
}
