using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Viaduct.Engines.E4.Loader.CommCare;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;
using Viaduct.Shared.Data.Jobs;
using Viaduct.Shared.Data.Model;

namespace Viaduct.Engines.E4.Loader.Posting;

/// <summary>
/// The posting job (<see cref="ICasePostingJob"/>): for each of its index cases that still waits, finds where it
/// goes (its county, or where CommCare transferred it), posts it with its lab results in upsert requests, and
/// records what each try came to.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A session advisory lock per case keeps two jobs from posting one case at once; a case another job holds is
/// left to that job.</item>
/// <item>The job reads the cases when it runs and posts their latest state, and only cases still <c>enqueued</c> with a
/// version above the posted one: a job that runs twice (the host died after CommCare took the post) finds nothing
/// left to do, and the upsert by external id leaves one case downstream anyway.</item>
/// <item>A request refused for good (400, 401, 403, 404, 422) that held several cases is retried case by case, so
/// only the case at fault is parked.</item>
/// <item>Transient failures (429, 5xx, timeouts) are recorded per case; once every request was tried the job fails,
/// and Hangfire retries it with back-off (<see cref="E4Options.RetryAttempts"/>).</item>
/// </list>
/// </remarks>
public sealed class CasePostingJob(
    NpgsqlDataSource dataSource,
    ICommCareClient commCare,
    CaseRouter router,
    IOptions<E4Options> options,
    EngineIdentity identity,
    EngineMetrics metrics,
    ILogger<CasePostingJob> logger) : ICasePostingJob
{
    private readonly E4Options _options = options.Value;

    public async Task PostAsync(string domain, long[] indexCaseIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(indexCaseIds);
        var run = new Run(JobContext.Current?.JobId, JobContext.Current?.Attempt ?? 0);
        var timer = metrics.StartBatch();
        using var scope = logger.BeginBatch($"job-{run.JobId ?? "inline"}");
        var jobId = run.JobId;
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var locked = await PostingStore.TryLockAsync(lockConnection, indexCaseIds, cancellationToken);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var cases = await PostingStore.LoadAsync(connection, [.. locked], cancellationToken);
            var toPost = await SelectAsync(connection, run, indexCaseIds, locked, cases, cancellationToken);
            var routed = await router.RouteAsync(connection, toPost, cancellationToken);
            foreach (var parked in routed.Where(r => r.ParkReason is not null))
            {
                await ParkAsync(connection, run, parked.Case, null, parked.ParkReason!, parked.Domain, cancellationToken);
            }

            foreach (var target in routed.Where(r => r.ParkReason is null).GroupBy(r => (r.Domain, r.LocationId)))
            {
                var routes = target.ToDictionary(r => r.Case.Id);
                foreach (var request in RequestPlanner.Plan(target.Select(r => r.Case), _options.MaxItemsPerRequest))
                {
                    await SendAsync(connection, run, target.Key.Domain, target.Key.LocationId, request, routes, splitOnRefusal: true, cancellationToken);
                }
            }

            Log.JobFinished(logger, jobId ?? "-", domain, indexCaseIds.Length, run.Posted, run.Parked, run.Discarded, run.TransientFailures);
            timer.Stop(run.Posted);
            metrics.RecordFailedItems(run.Parked, $"job {jobId ?? "-"}: {run.Parked} case(s) parked");
            metrics.RecordFailedItems(run.TransientFailures, $"job {jobId ?? "-"}: {run.LastTransient}");
            if (run.TransientFailures > 0)
            {
                throw new CasePostingException(
                    $"{run.TransientFailures} of {indexCaseIds.Length} cases could not be posted for now (last: {run.LastTransient}); the job will be retried");
            }
        }
        finally
        {
            await PostingStore.UnlockAllAsync(lockConnection);
        }
    }

    private async Task<List<CaseToPost>> SelectAsync(
        NpgsqlConnection connection, Run run, long[] requested, HashSet<long> locked, List<CaseToPost> cases, CancellationToken cancellationToken)
    {
        var discarded = new List<AttemptRecord>();
        var upToDate = new List<long>();
        var toPost = new List<CaseToPost>();
        foreach (var id in requested.Where(id => !locked.Contains(id)))
        {
            discarded.Add(new AttemptRecord(id, PostAttemptOutcome.Discarded, null, "another job is posting this case right now", null, null, null));
        }

        foreach (var id in locked.Where(id => cases.All(c => c.Id != id)))
        {
            discarded.Add(new AttemptRecord(id, PostAttemptOutcome.Discarded, null, "no such index case", null, null, null));
        }

        foreach (var indexCase in cases)
        {
            string? reason = null;
            if (!indexCase.Postable)
            {
                reason = "the case's county does not take part";
            }
            else if (indexCase.PostState != CasePostState.Enqueued)
            {
                reason = $"the case is {indexCase.PostState ?? "not enqueued"}";
            }
            else if (indexCase.PostJobId is { } owner && run.JobId is not null && owner != run.JobId)
            {
                reason = $"job {owner} posts this case";
            }
            else if (indexCase.Version <= indexCase.PostedVersion)
            {
                reason = $"version {indexCase.Version} was posted already";
                upToDate.Add(indexCase.Id);
            }

            if (reason is null)
            {
                toPost.Add(indexCase);
            }
            else
            {
                discarded.Add(new AttemptRecord(indexCase.Id, PostAttemptOutcome.Discarded, null, reason, null, null, indexCase.Version));
            }
        }

        if (discarded.Count > 0)
        {
            run.Discarded += discarded.Count;
            await PostingStore.RecordAttemptsAsync(connection, discarded, run.JobId, run.Attempt, identity, cancellationToken);
            await PostingStore.RecordUpToDateAsync(connection, [.. upToDate], cancellationToken);
        }

        return toPost;
    }

    private async Task SendAsync(
        NpgsqlConnection connection, Run run, string domain, string locationId, IReadOnlyList<CasePart> request,
        Dictionary<long, CaseRoute> routes, bool splitOnRefusal, CancellationToken cancellationToken)
    {
        UpsertResult result;
        try
        {
            result = await commCare.UpsertAsync(domain, CaseUpserts.For(request, locationId, id => !routes[id].Rerouted), cancellationToken);
        }
        catch (CommCareException ex) when (!ex.IsTransient && splitOnRefusal && request.Select(p => p.Case.Id).Distinct().Count() > 1)
        {
            // One bad case refuses the whole request: try each case alone so only the one at fault is parked.
            foreach (var single in request.GroupBy(p => p.Case.Id))
            {
                await SendAsync(connection, run, domain, locationId, [.. single], routes, splitOnRefusal: false, cancellationToken);
            }

            return;
        }
        catch (CommCareException ex) when (!ex.IsTransient)
        {
            foreach (var indexCase in request.Select(p => p.Case).DistinctBy(c => c.Id))
            {
                await ParkAsync(connection, run, indexCase, ex.StatusCode, Describe(ex), domain, cancellationToken);
            }

            return;
        }
        catch (CommCareException ex)
        {
            var failed = request.Select(p => p.Case).DistinctBy(c => c.Id)
                .Select(c => new AttemptRecord(c.Id, PostAttemptOutcome.Failed, ex.StatusCode, Describe(ex), domain, null, c.Version))
                .ToList();
            run.TransientFailures += failed.Count;
            run.LastTransient = ex.StatusCode is { } status ? $"HTTP {status}" : ex.GetType().Name;
            Log.RequestFailed(logger, run.JobId ?? "-", domain, failed.Count, ex.StatusCode);
            await PostingStore.RecordAttemptsAsync(connection, failed, run.JobId, run.Attempt, identity, cancellationToken);
            return;
        }

        var remote = result.Cases
            .Where(c => c.ExternalId is not null)
            .GroupBy(c => c.ExternalId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().CaseId, StringComparer.Ordinal);
        var posted = new List<PostedCase>();
        var attempts = new List<AttemptRecord>();
        foreach (var part in request.GroupBy(p => p.Case.Id).Select(g => (Case: g.First().Case, Labs: g.SelectMany(p => p.LabResults).ToList())))
        {
            var route = routes[part.Case.Id];
            var caseId = remote.GetValueOrDefault(part.Case.ExternalId);
            // CommCare's id for our case in its own county; a rerouted post updates another county's case.
            var ownCaseId = route.Rerouted ? null : caseId;
            posted.Add(new PostedCase(
                part.Case.Id, part.Case.Version, domain, ownCaseId,
                [.. part.Labs.Select(l => (l.Id, l.Version, route.Rerouted ? null : remote.GetValueOrDefault(l.ExternalId)))]));
            attempts.Add(new AttemptRecord(
                part.Case.Id, route.Rerouted ? PostAttemptOutcome.Rerouted : PostAttemptOutcome.Succeeded, 200,
                route.Rerouted ? route.Explanation : null, domain, caseId, part.Case.Version));
        }

        run.Posted += posted.Count;
        await PostingStore.RecordPostedAsync(connection, posted, attempts, run.JobId, run.Attempt, identity, cancellationToken);
    }

    private async Task ParkAsync(
        NpgsqlConnection connection, Run run, CaseToPost indexCase, int? status, string reason, string domain, CancellationToken cancellationToken)
    {
        run.Parked++;
        Log.CaseParked(logger, indexCase.Id, run.JobId ?? "-", domain, status);
        await PostingStore.RecordParkedAsync(
            connection, [new AttemptRecord(indexCase.Id, PostAttemptOutcome.Parked, status, reason, domain, null, indexCase.Version)],
            run.JobId, run.Attempt, identity, cancellationToken);
    }

    private static string Describe(CommCareException ex) =>
        ex.Reason;

    private sealed class Run(string? jobId, int attempt)
    {
        public string? JobId { get; } = jobId;
        public int Attempt { get; } = attempt;
        public int Posted { get; set; }
        public int Parked { get; set; }
        public int Discarded { get; set; }
        public int TransientFailures { get; set; }
        public string? LastTransient { get; set; }
    }
}

/// <summary>Some cases of a job could not be posted for a transient reason: Hangfire retries the job.</summary>
public sealed class CasePostingException(string message) : Exception(message);
