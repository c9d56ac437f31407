using Hangfire.States;
using Hangfire.Storage;
using Npgsql;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Jobs;

namespace Viaduct.Engines.E4.Loader.Posting;

/// <summary>
/// When a posting job has used up its retries and Hangfire marks it failed, its cases that are still waiting are
/// marked <c>failed</c> with the last error: visible to operators, out of E3's way until re-enqueued by command.
/// </summary>
public sealed class PostingFailureFilter(NpgsqlDataSource dataSource, EngineIdentity identity) : IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.NewState is not FailedState failed
            || context.BackgroundJob.Job?.Type != typeof(ICasePostingJob)
            || context.BackgroundJob.Job.Args.Count < 2
            || context.BackgroundJob.Job.Args[1] is not long[] caseIds)
        {
            return;
        }

        using var connection = dataSource.OpenConnection();
        using var command = new NpgsqlCommand("""
            WITH failed AS (
                UPDATE index_cases SET post_state = 'failed', post_job_id = NULL,
                    post_error = left('gave up after every retry: ' || coalesce(post_error, $3), 2000)
                WHERE id = ANY($1) AND post_state = 'enqueued' AND (post_job_id IS NULL OR post_job_id = $2)
                RETURNING id)
            INSERT INTO events (engine, host, subject_type, subject_id, kind, detail)
            SELECT $4, $5, 'index_case', id, 'post_failed', jsonb_build_object('job', $2::text) FROM failed
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = caseIds });
        command.Parameters.Add(new NpgsqlParameter { Value = context.BackgroundJob.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = failed.Exception?.GetType().Name ?? "unknown error" });
        command.Parameters.Add(new NpgsqlParameter { Value = identity.Engine });
        command.Parameters.Add(new NpgsqlParameter { Value = identity.Host });
        command.ExecuteNonQuery();
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }
}
