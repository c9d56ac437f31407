using System.CommandLine;
using Npgsql;
using Viaduct.Shared.Data;

namespace Viaduct.Cli;

/// <summary>Hands parked or failed index cases back to E3, after whatever made CommCare refuse them was fixed.</summary>
internal static class ReenqueueCommand
{
    private static readonly string[] Parked = ["parked"];
    private static readonly string[] Failed = ["failed"];
    private static readonly string[] Both = ["parked", "failed"];

    public static Command Create(CliSettings settings)
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
            await using var dataSource = settings.OpenDataSource();
            // One statement: the reset and its events. Then E3 is woken instead of finding the cases at its next poll.
            await using var update = dataSource.CreateCommand("""
                WITH reset AS (
                    UPDATE index_cases SET post_state = CASE WHEN posted_version > 0 THEN 'posted' END,
                        enqueued_version = 0, post_job_id = NULL, changed_at = now()
                    WHERE post_state = ANY($1) AND (cardinality($2::bigint[]) = 0 OR id = ANY($2))
                    RETURNING id, post_state),
                recorded AS (
                    INSERT INTO events (engine, host, subject_type, subject_id, kind)
                    SELECT $3, $4, 'index_case', id, 'reenqueued' FROM reset
                    RETURNING 1)
                SELECT count(*) FROM recorded
                """);
            update.Parameters.Add(new NpgsqlParameter { Value = states });
            update.Parameters.Add(new NpgsqlParameter { Value = ids });
            update.Parameters.Add(new NpgsqlParameter { Value = CliIdentity.Engine });
            update.Parameters.Add(new NpgsqlParameter { Value = CliIdentity.Current.Host });
            var count = (long)(await update.ExecuteScalarAsync(cancellationToken))!;
            if (count > 0)
            {
                await using var notify = dataSource.CreateCommand("SELECT pg_notify($1, '')");
                notify.Parameters.Add(new NpgsqlParameter { Value = Notifications.IndexCasesChanged });
                await notify.ExecuteNonQueryAsync(cancellationToken);
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync($"re-enqueued {count} case(s); E3 takes them at its next pass");
            return 0;
        });
        return command;
    }
}
