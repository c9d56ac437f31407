using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;
using Viaduct.Shared.Data.Jobs;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Engines.E3.Enqueuer;

/// <summary>
/// One E3 step: claim postable index cases changed since they were last enqueued, create posting jobs for them
/// (grouped by CommCare domain, <see cref="E3Options.CasesPerJob"/> to a job) and record each case's job.
/// </summary>
/// <remarks>
/// The claim marks the cases <c>enqueued</c> in one statement (SKIP LOCKED), so no other replica takes them and no
/// second job is created for a case while one is pending. Hangfire keeps its jobs in its own transactions, so a
/// crash between the claim and the jobs leaves cases enqueued without a job: <see cref="RescueStaleAsync"/> makes
/// them ready again after <see cref="E3Options.StaleClaimAfter"/>.
/// </remarks>
public sealed class CaseEnqueuer(
    NpgsqlDataSource dataSource,
    IBackgroundJobClient jobs,
    IOptions<E3Options> options,
    EngineIdentity identity,
    EngineMetrics metrics,
    ILogger<CaseEnqueuer> logger)
{
    private readonly E3Options _options = options.Value;

    /// <summary>Enqueues one batch. Returns the number of cases claimed (0: nothing changed).</summary>
    public async Task<int> EnqueueBatchAsync(CancellationToken cancellationToken)
    {
        var timer = metrics.StartBatch();
        using var scope = logger.BeginBatch();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var claimed = new List<(long Id, string Domain)>();
        await using (var claim = NpgsqlExecution.Command(connection, """
            WITH claimed AS (
                UPDATE index_cases c SET post_state = 'enqueued', enqueued_version = c.version, enqueued_at = now(), post_job_id = NULL
                WHERE c.id IN (
                    SELECT id FROM index_cases
                    WHERE postable AND version > enqueued_version AND (post_state IS NULL OR post_state = 'posted')
                    ORDER BY changed_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
                RETURNING c.id, c.county_fips)
            SELECT claimed.id, counties.domain FROM claimed JOIN counties ON counties.fips = claimed.county_fips ORDER BY claimed.id
            """, _options.BatchSize))
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }

        if (claimed.Count == 0)
        {
            return 0;
        }

        var caseIds = new List<long>(claimed.Count);
        var jobIds = new List<string>(claimed.Count);
        foreach (var group in claimed.GroupBy(c => c.Domain, StringComparer.Ordinal))
        {
            foreach (var chunk in group.Select(c => c.Id).Chunk(_options.CasesPerJob))
            {
                var domain = group.Key;
                var jobId = jobs.Create(
                    Job.FromExpression<ICasePostingJob>(job => job.PostAsync(domain, chunk, CancellationToken.None), ViaductHangfire.PostingQueue),
                    new EnqueuedState(ViaductHangfire.PostingQueue));
                caseIds.AddRange(chunk);
                jobIds.AddRange(Enumerable.Repeat(jobId, chunk.Length));
            }
        }

        // The event carries the claim's time: a job may run, and post the case, before this is written.
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                UPDATE index_cases c SET post_job_id = u.job_id
                FROM unnest($1::bigint[], $2::text[]) AS u(id, job_id)
                WHERE c.id = u.id AND c.post_state = 'enqueued'
                """, caseIds.ToArray(), jobIds.ToArray()),
            new SqlStatement("""
                INSERT INTO events (occurred_at, engine, host, subject_type, subject_id, kind, detail)
                SELECT c.enqueued_at, $3, $4, 'index_case', u.id, 'enqueued', jsonb_build_object('job', u.job_id)
                FROM unnest($1::bigint[], $2::text[]) AS u(id, job_id) JOIN index_cases c ON c.id = u.id
                """, caseIds.ToArray(), jobIds.ToArray(), identity.Engine, identity.Host));
        timer.Stop(claimed.Count);
        Log.Enqueued(logger, claimed.Count, jobIds.Distinct(StringComparer.Ordinal).Count());
        return claimed.Count;
    }

    /// <summary>Makes cases claimed long ago without a recorded job ready again. Returns how many.</summary>
    public async Task<int> RescueStaleAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rescued = await connection.ExecuteAsync("""
            UPDATE index_cases SET post_state = CASE WHEN posted_version > 0 THEN 'posted' END, enqueued_version = posted_version
            WHERE post_state = 'enqueued' AND post_job_id IS NULL AND enqueued_at < now() - $1::interval
            """, cancellationToken, _options.StaleClaimAfter);
        if (rescued > 0)
        {
            Log.Rescued(logger, rescued);
        }

        return rescued;
    }
}
