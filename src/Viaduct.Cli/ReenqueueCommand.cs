using System.CommandLine;
using Npgsql;

namespace Viaduct.Cli;

/// <summary>Hands parked or failed index cases back to E3, after whatever made CommCare refuse them was fixed.</summary>
internal static class ReenqueueCommand
{
    private static readonly string[] Parked = ["parked"];
    private static readonly string[] Failed = ["failed"];
    private static readonly string[] Both = ["parked", "failed"];

    public static Command Create()
    {
        var cases = new Option<long[]>("--case") { Description = "Index case ids (repeatable); default: every parked and failed case", AllowMultipleArgumentsPerToken = true };
        var parkedOnly = new Option<bool>("--parked") { Description = "Only parked cases (refused for good)" };
        var failedOnly = new Option<bool>("--failed") { Description = "Only failed cases (retries used up)" };
        var command = new Command("reenqueue", "Put parked or failed index cases back in E3's ready state") { cases, parkedOnly, failedOnly };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var states = (parse.GetValue(parkedOnly), parse.GetValue(failedOnly)) switch
            {
                (true, false) => Parked,
                (false, true) => Failed,
                _ => Both,
            };
            var ids = parse.GetValue(cases) ?? [];
            await using var dataSource = NpgsqlDataSource.Create(new CliSettings().ConnectionString);
            await using var update = dataSource.CreateCommand("""
                WITH reset AS (
                    UPDATE index_cases SET post_state = CASE WHEN posted_version > 0 THEN 'posted' END,
                        enqueued_version = 0, post_job_id = NULL, changed_at = now()
                    WHERE post_state = ANY($1) AND (cardinality($2::bigint[]) = 0 OR id = ANY($2))
                    RETURNING id, post_state)
                INSERT INTO events (engine, host, subject_type, subject_id, kind)
                SELECT 'viaduct-cli', $3, 'index_case', id, 'reenqueued' FROM reset
                """);
            update.Parameters.Add(new NpgsqlParameter { Value = states });
            update.Parameters.Add(new NpgsqlParameter { Value = ids });
            update.Parameters.Add(new NpgsqlParameter { Value = $"{Environment.MachineName}:{Environment.ProcessId}" });
            var count = await update.ExecuteNonQueryAsync(cancellationToken);
            Console.WriteLine($"re-enqueued {count} case(s); E3 takes them at its next pass");
            return 0;
        });
        return command;
    }
}
