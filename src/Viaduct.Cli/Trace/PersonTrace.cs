using Npgsql;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Cli.Trace;

/// <summary>A person: when E2 made them, the results matched to them, their cases, and those cases' posts and syncs. Never their name or birth date.</summary>
internal static class PersonTrace
{
    public static async Task<TraceReport?> ReadAsync(NpgsqlConnection connection, long personId, int limit, CancellationToken cancellationToken)
    {
        var trace = new TraceBuilder("person", personId);
        await using (var command = NpgsqlExecution.Command(connection, """
            SELECT created_at, created_by, updated_at, cardinality(patient_keys), identity_key IS NOT NULL FROM people WHERE id = $1
            """, personId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            trace.Fact("created", $"{TraceBuilder.Time(reader.GetDateTime(0))} by {reader.GetString(1)}; updated {TraceBuilder.Time(reader.GetDateTime(2))}");
            trace.Fact("matched by", $"{reader.GetInt32(3)} patient key(s){(reader.GetBoolean(4) ? ", and name and date of birth" : "")}");
        }

        var cases = new List<long>();
        await using (var command = NpgsqlExecution.Command(connection, """
            SELECT c.id, c.county_fips, coalesce(c.post_state, 'not enqueued'), c.version, c.posted_version
            FROM index_cases c WHERE c.person_id = $1 ORDER BY c.id
            """, personId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                cases.Add(reader.GetInt64(0));
                trace.Fact($"case {reader.GetInt64(0)}", $"county {reader.GetString(1)}, {reader.GetString(2)}, version {reader.GetInt32(3)} (posted {reader.GetInt32(4)})");
            }
        }

        var results = new List<long>();
        await using (var command = NpgsqlExecution.Command(connection,
            "SELECT DISTINCT test_result_id FROM transform_outcomes WHERE person_id = $1 ORDER BY 1", personId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                results.Add(reader.GetInt64(0));
            }
        }

        trace.Fact("results", TraceBuilder.Ids(results));
        await CaseSteps.AddToRedactorAsync(connection, [.. cases], [personId], trace.Redactor, cancellationToken);
        await AddCreatedAsync(connection, [personId], trace, cancellationToken);
        await ResultSteps.AddAsync(connection, [.. results.Take(limit)], trace.Steps, trace.Redactor, cancellationToken);
        await CaseSteps.AddAsync(connection, [.. cases], trace.Steps, trace.Redactor, cancellationToken);
        return trace.Build(limit);
    }

    /// <summary>The step of E2 making each person.</summary>
    public static Task AddCreatedAsync(NpgsqlConnection connection, long[] personIds, TraceBuilder trace, CancellationToken cancellationToken) =>
        StepReader.AddAsync(connection, trace.Steps, trace.Redactor, """
            SELECT created_at, split_part(created_by, '@', 1), nullif(split_part(created_by, '@', 2), ''), 'person ' || id, 'created',
                   format('%s patient key(s)', cardinality(patient_keys)), NULL::text
            FROM people WHERE id = ANY($1)
            """, cancellationToken, personIds);
}
