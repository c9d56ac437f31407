using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Viaduct.Engines.E5.Sync.CommCare;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Engines.E5.Sync.Sync;

/// <summary>
/// One E5 step: claim a domain that is due (<c>sync_cursors</c>, SKIP LOCKED), hold a session advisory lock on it for
/// the whole pull so no other host pulls it at the same time, pull its changes page by page from the stored cursor,
/// apply each page with the cursor in one transaction, and record the pull (<c>sync_runs</c>). A failing pull is
/// recorded on the domain's cursor row and puts the domain off with a growing pause; other domains go on.
/// </summary>
public sealed class DomainSyncer(
    NpgsqlDataSource dataSource,
    CaseChangesClient commCare,
    PageApplier applier,
    IOptions<E5Options> options,
    EngineIdentity identity,
    EngineMetrics metrics,
    ILogger<DomainSyncer> logger)
{
    private readonly E5Options _options = options.Value;

    /// <summary>What one step came to.</summary>
    public enum Outcome
    {
        /// <summary>No domain was due.</summary>
        NothingDue,

        Synced,
        Failed,

        /// <summary>The domain was due, but another host is still pulling it.</summary>
        Busy,
    }

    /// <summary>Adds a cursor row (due at once) for each participating county's domain that has none.</summary>
    public async Task<int> AddDomainsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync("""
            INSERT INTO sync_cursors (domain) SELECT DISTINCT domain FROM counties WHERE participating ORDER BY domain
            ON CONFLICT (domain) DO NOTHING
            """, cancellationToken);
    }

    /// <summary>Claims the domain due longest and pulls it. Returns what happened (and the domain, if one was claimed).</summary>
    public async Task<(Outcome Outcome, string? Domain)> SyncNextAsync(CancellationToken cancellationToken)
    {
        // The lock connection is held for the whole pull: the session advisory lock lives as long as it does, so a host
        // that dies lets go of its domains at once.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        string domain;
        DateTime? cursor;
        await using (var claim = NpgsqlExecution.Command(connection, """
            UPDATE sync_cursors s SET next_sync_at = now() + $1::interval, claimed_by = $2, claimed_at = now()
            WHERE s.domain = (
                SELECT c.domain FROM sync_cursors c
                WHERE c.next_sync_at <= now() AND EXISTS (SELECT 1 FROM counties k WHERE k.domain = c.domain AND k.participating)
                ORDER BY c.next_sync_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING s.domain, s.cursor
            """, _options.PollInterval, identity.ToString()))
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return (Outcome.NothingDue, null);
            }

            domain = reader.GetString(0);
            cursor = reader.IsDBNull(1) ? null : reader.GetDateTime(1);
        }

        var lockId = SyncIdentity.DomainLock(domain);
        if (!await connection.ScalarAsync<bool>("SELECT pg_try_advisory_lock($1)", cancellationToken, lockId))
        {
            Log.DomainBusy(logger, domain);
            return (Outcome.Busy, domain);
        }

        try
        {
            // Read the cursor again under the lock: a pull that ended just before may have moved it.
            cursor = await connection.ScalarAsync<DateTime?>("SELECT cursor FROM sync_cursors WHERE domain = $1", cancellationToken, domain);
            return (await PullAsync(connection, domain, cursor, cancellationToken), domain);
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock($1)", CancellationToken.None, lockId);
        }
    }

    private async Task<Outcome> PullAsync(NpgsqlConnection connection, string domain, DateTime? cursor, CancellationToken cancellationToken)
    {
        var runId = await connection.ScalarAsync<long>("""
            INSERT INTO sync_runs (domain, engine, host, outcome, pages, cases, changed) VALUES ($1, $2, $3, 'running', 0, 0, 0) RETURNING id
            """, cancellationToken, domain, identity.Engine, identity.Host);
        int pages = 0, cases = 0, changed = 0;
        var timer = metrics.StartBatch();
        using var scope = logger.BeginBatch($"sync-{runId}");
        try
        {
            var from = cursor is { } c ? new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc)) - _options.CursorOverlap : (DateTimeOffset?)null;
            var url = commCare.ChangesUri(domain, from, _options.PageSize);
            while (true)
            {
                var page = await commCare.GetPageAsync(domain, url, cancellationToken);
                pages++;
                cases += page.Cases.Count;
                DateTime? pageCursor = null;
                if (page.Cases.Count > 0)
                {
                    var last = page.Cases.Max(x => x.ServerLastModified).UtcDateTime;
                    // Within the pull, the next page may hold more cases of the last one's stamp: start there. At the end,
                    // every case of that stamp has been read (the server stamps each change of a domain later than the one
                    // before and lists it once stamped), so the next pull starts just after it and reads nothing twice;
                    // where a server lists changes late, E5:CursorOverlap starts the next pull earlier.
                    pageCursor = page.Next is null ? last.AddTicks(10) : last;
                }

                changed += await applier.ApplyAsync(domain, page.Cases, pageCursor, cancellationToken);
                if (page.Next is null)
                {
                    break;
                }

                url = page.Next;
            }

            await connection.ExecuteBatchAsync(cancellationToken,
                new SqlStatement("""
                    UPDATE sync_cursors SET failures = 0, last_error = NULL, last_synced_at = now(), next_sync_at = now() + $2::interval
                    WHERE domain = $1
                    """, domain, _options.PollInterval),
                new SqlStatement("""
                    UPDATE sync_runs SET finished_at = clock_timestamp(), outcome = 'succeeded', pages = $2, cases = $3, changed = $4 WHERE id = $1
                    """, runId, pages, cases, changed));
            timer.Stop(cases);
            if (cases > 0)
            {
                Log.Synced(logger, domain, pages, cases, changed);
            }
            else
            {
                Log.NothingChanged(logger, domain);
            }

            return Outcome.Synced;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: the pages applied so far are committed with their cursor; the rest comes next time.
            await connection.ExecuteAsync("""
                UPDATE sync_runs SET finished_at = clock_timestamp(), outcome = 'failed', pages = $2, cases = $3, changed = $4, error = 'stopped'
                WHERE id = $1
                """, CancellationToken.None, runId, pages, cases, changed);
            throw;
        }
        catch (Exception ex)
        {
            var reason = Reason(ex);
            var failures = await connection.ScalarAsync<int>("SELECT failures + 1 FROM sync_cursors WHERE domain = $1", CancellationToken.None, domain);
            var pause = Backoff.After(failures, _options.MaxDomainBackoff);
            await connection.ExecuteBatchAsync(CancellationToken.None,
                new SqlStatement("""
                    UPDATE sync_cursors SET failures = failures + 1, last_error = $2, last_failed_at = now(), next_sync_at = now() + $3::interval
                    WHERE domain = $1
                    """, domain, reason, pause),
                new SqlStatement("""
                    UPDATE sync_runs SET finished_at = clock_timestamp(), outcome = 'failed', pages = $2, cases = $3, changed = $4, error = $5 WHERE id = $1
                    """, runId, pages, cases, changed, reason));
            metrics.RecordFailedItems(1, $"domain {domain}: {reason}");
            Log.DomainFailed(logger, domain, failures, pause, reason);
            return Outcome.Failed;
        }
    }

    /// <summary>Why a pull failed, without patient data: our own messages for CommCare and the kind of anything else.</summary>
    private static string Reason(Exception ex) => ex switch
    {
        CommCareSyncException commCare => commCare.Message,
        // A database message may quote a value (a cast error names it): the state and constraint say enough.
        PostgresException postgres => $"{nameof(PostgresException)} {postgres.SqlState}{(postgres.ConstraintName is { } constraint ? " on " + constraint : "")}",
        _ => ex.GetType().Name,
    };
}
