using Npgsql;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Cli.Trace;

/// <summary>A test result: its file, E2's outcomes, its person, the cases it added to, and those cases' posts and syncs.</summary>
internal static class ResultTrace
{
    public static async Task<TraceReport?> ReadAsync(NpgsqlConnection connection, long resultId, int limit, CancellationToken cancellationToken)
    {
        var trace = new TraceBuilder("result", resultId);
        await using (var command = NpgsqlExecution.Command(connection, """
            SELECT t.file_id, f.object_key, t.line_number, t.county_code, t.eclrs_version, t.created_at, t.transformed_at, t.transformed_by
            FROM test_results t JOIN files f ON f.id = t.file_id WHERE t.id = $1
            """, resultId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            trace.Fact("file", $"{reader.GetInt64(0)} ({reader.GetString(1)}), line {reader.GetInt32(2)}, ECLRS version {reader.GetInt16(4)}");
            trace.Fact("county code", reader.GetString(3));
            trace.Fact("stored", TraceBuilder.Time(reader.GetDateTime(5)));
            trace.Fact("E2", reader.IsDBNull(6)
                ? "waiting for E2 (ready)"
                : $"claimed {TraceBuilder.Time(reader.GetDateTime(6))} by {(reader.IsDBNull(7) ? "?" : reader.GetString(7))}");
        }

        var people = new HashSet<long>();
        var cases = new SortedSet<long>();
        var outcomes = 0;
        string? latest = null;
        await using (var command = NpgsqlExecution.Command(connection,
            "SELECT outcome, person_id, index_case_ids FROM transform_outcomes WHERE test_result_id = $1 ORDER BY id", resultId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                outcomes++;
                latest = reader.GetString(0);
                if (!reader.IsDBNull(1))
                {
                    people.Add(reader.GetInt64(1));
                }

                cases.UnionWith(reader.GetFieldValue<long[]>(2));
            }
        }

        trace.Fact("outcome", latest is null ? "none yet" : $"{latest} ({outcomes} transformation(s))");
        trace.Fact("person", TraceBuilder.Ids(people));
        trace.Fact("cases", TraceBuilder.Ids(cases));
        await CaseSteps.AddToRedactorAsync(connection, [.. cases], [.. people], trace.Redactor, cancellationToken);
        await ResultSteps.AddAsync(connection, [resultId], trace.Steps, trace.Redactor, cancellationToken);
        await PersonTrace.AddCreatedAsync(connection, [.. people], trace, cancellationToken);
        await CaseSteps.AddAsync(connection, [.. cases], trace.Steps, trace.Redactor, cancellationToken);
        return trace.Build(limit);
    }
}
