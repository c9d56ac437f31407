using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Viaduct.Engines.E2.Transformer.Cases;
using Viaduct.Engines.E2.Transformer.Counties;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;
using Viaduct.Shared.Data.Model;
using Viaduct.Shared.Eclrs;

namespace Viaduct.Engines.E2.Transformer.Transform;

/// <summary>
/// One E2 step: claim a batch of results, match them (<see cref="TransformBatch"/>), write people, cases, lab
/// results, dropped values and one outcome per result, and commit, all in one transaction.
/// </summary>
/// <remarks>
/// Lock order, the same in every replica: the claimed test_results rows; advisory locks on the batch's patient
/// keys and identities, ascending; the matched people's rows, ascending. Creating a person or adding a key needs
/// the key's or identity's advisory lock, and changing a person's cases needs the person's row lock, so two
/// replicas never create two people for one identity and never merge into one case at once.
/// A result that cannot be read fails alone. If writing the batch fails for a reason that is not transient, the
/// batch is rolled back to a savepoint and its results are transformed one at a time, each under its own
/// savepoint, so only the result at fault is recorded as failed.
/// </remarks>
public sealed class ResultTransformer(
    NpgsqlDataSource dataSource,
    CountyDirectory counties,
    IOptions<E2Options> options,
    EngineIdentity identity,
    EngineMetrics metrics,
    ILogger<ResultTransformer> logger)
{
    private readonly E2Options _options = options.Value;
    private volatile bool _countiesWritten;

    /// <summary>Transforms one batch. Returns the number of results claimed (0: nothing was ready).</summary>
    public async Task<int> TransformBatchAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var scope = logger.BeginBatch();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!_countiesWritten)
        {
            await CountyTable.UpsertAsync(connection, counties, cancellationToken);
            _countiesWritten = true;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claimed = await TransformStore.ClaimAsync(connection, _options.BatchSize, identity, cancellationToken);
        if (claimed.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return 0;
        }

        var outcomes = new List<ResultOutcome>(claimed.Count);
        var pending = Read(claimed, outcomes);
        var written = new Written();
        await transaction.SaveAsync("batch", cancellationToken);
        try
        {
            await TransformAsync(connection, pending, outcomes, written, cancellationToken);
        }
        catch (Exception ex) when (IsConfinedToResults(ex))
        {
            await transaction.RollbackAsync("batch", cancellationToken);
            Log.BatchFallback(logger, claimed.Count, ErrorKind(ex));
            written = new Written();
            foreach (var result in pending)
            {
                await transaction.SaveAsync("result", cancellationToken);
                try
                {
                    await TransformAsync(connection, [result], outcomes, written, cancellationToken);
                    await transaction.ReleaseAsync("result", cancellationToken);
                }
                catch (Exception single) when (IsConfinedToResults(single))
                {
                    await transaction.RollbackAsync("result", cancellationToken);
                    outcomes.Add(Failed(result.TestResultId, single));
                }
            }
        }

        await TransformStore.RecordOutcomesAsync(connection, outcomes, written.PostableCasesChanged, identity, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        foreach (var failed in outcomes.Where(o => o.Outcome == TransformOutcomeKind.Failed))
        {
            Log.ResultFailed(logger, failed.TestResultId, failed.Detail is { } detail ? detail.Split(':', 2)[0] : "unknown");
        }

        var failedCount = Count(outcomes, TransformOutcomeKind.Failed);
        metrics.RecordBatch(claimed.Count - failedCount, Stopwatch.GetElapsedTime(started));
        metrics.RecordFailedItems(failedCount, $"{failedCount} result(s) failed; see transform_outcomes");
        Log.BatchFinished(
            logger, claimed.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Count(outcomes, TransformOutcomeKind.Transformed), Count(outcomes, TransformOutcomeKind.NoNewInformation),
            Count(outcomes, TransformOutcomeKind.Ignored), Count(outcomes, TransformOutcomeKind.Failed),
            written.NewPeople, written.NewCases, written.ChangedCases, written.NewLabResults);
        return claimed.Count;
    }

    private async Task TransformAsync(
        NpgsqlConnection connection, IReadOnlyList<PendingResult> results, List<ResultOutcome> outcomes, Written written, CancellationToken cancellationToken)
    {
        var batch = new TransformBatch(results);
        var people = await TransformStore.LockAndLoadPeopleAsync(connection, batch.PatientKeys, batch.IdentityKeys, cancellationToken);
        batch.MatchPeople(people);
        batch.AssignPersonIds(await TransformStore.NextIdsAsync(connection, "people", batch.NewPeople.Count, cancellationToken));

        var (cases, labResults) = await TransformStore.SavePeopleAndLoadCasesAsync(connection, batch, identity, cancellationToken);
        batch.MatchCases(cases, labResults);
        batch.AssignCaseIds(
            await TransformStore.NextIdsAsync(connection, "index_cases", batch.NewCases.Count, cancellationToken),
            await TransformStore.NextIdsAsync(connection, "lab_results", batch.NewLabResults.Count, cancellationToken));
        await TransformStore.SaveCasesAsync(connection, batch, identity, cancellationToken);

        outcomes.AddRange(batch.Outcomes());
        written.Add(batch);
    }

    /// <summary>Reads each claimed row; one that cannot be read is recorded as failed here and goes no further.</summary>
    private List<PendingResult> Read(List<ClaimedResult> claimed, List<ResultOutcome> outcomes)
    {
        var pending = new List<PendingResult>(claimed.Count);
        foreach (var result in claimed)
        {
            try
            {
                var row = ResultRow.Parse(result.RawData, (EclrsVersion)result.EclrsVersion);
                pending.Add(new PendingResult(result.Id, row, counties.Resolve(result.CountyCode)));
            }
            catch (Exception ex) when (ex is FormatException or EclrsFormatException or ArgumentException)
            {
                outcomes.Add(Failed(result.Id, ex));
            }
        }

        return pending;
    }

    // Errors that belong to the data of some result, as opposed to the connection or the server's state (those
    // fail the whole batch, which is retried after a pause).
    private static bool IsConfinedToResults(Exception ex) => ex switch
    {
        PostgresException postgres => !postgres.IsTransient,
        NpgsqlException or OperationCanceledException => false,
        _ => ex is FormatException or ArgumentException or InvalidOperationException or JsonException,
    };

    private static ResultOutcome Failed(long testResultId, Exception ex) =>
        new(testResultId, TransformOutcomeKind.Failed, ex is PostgresException postgres
            ? $"{ErrorKind(ex)}: {postgres.MessageText}"
            : $"{ErrorKind(ex)}: {ex.Message}", null, []);

    private static string ErrorKind(Exception ex) =>
        ex is PostgresException postgres ? $"SQLSTATE {postgres.SqlState}" : ex.GetType().Name;

    private static int Count(List<ResultOutcome> outcomes, string outcome) => outcomes.Count(o => o.Outcome == outcome);

    private sealed class Written
    {
        public int NewPeople { get; private set; }
        public int NewCases { get; private set; }
        public int ChangedCases { get; private set; }
        public int NewLabResults { get; private set; }
        public bool PostableCasesChanged { get; private set; }

        public void Add(TransformBatch batch)
        {
            NewPeople += batch.NewPeople.Count;
            NewCases += batch.NewCases.Count;
            ChangedCases += batch.ChangedCases.Count;
            NewLabResults += batch.NewLabResults.Count;
            PostableCasesChanged |= batch.ChangedPostableCases;
        }
    }
}
