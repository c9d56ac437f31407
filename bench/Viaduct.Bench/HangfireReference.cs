using System.Diagnostics;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Npgsql;
using Viaduct.Shared.Data.Jobs;

namespace Viaduct.Bench;

/// <summary>The job of the reference run: nothing at all, so what is measured is Hangfire and its storage alone.</summary>
internal static class NoOpJob
{
    public static void Run()
    {
    }
}

/// <summary>
/// The reference for the posting figures: plain no-op Hangfire jobs on the same PostgreSQL storage Viaduct uses
/// (<see cref="ViaductHangfire.Storage"/>: Hangfire's schema in the benchmark database, the same options as E4's),
/// created one by one with a Hangfire client and run by a <see cref="BackgroundJobServer"/> of the given worker
/// count in this process, on a queue of their own.
/// </summary>
internal static class HangfireReference
{
    public const string Queue = "bench-noop";

    internal sealed record Result(int Jobs, int Workers, double EnqueueSeconds, double RunSeconds, double FirstStartToLastSuccessSeconds, string StuckFetches);

    public static async Task<Result> RunAsync(
        BenchDatabase database, int jobCount, int workers, TimeSpan queuePollInterval, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var storage = ViaductHangfire.Storage(database.EngineConnectionString, queuePollInterval);
        var client = new BackgroundJobClient(storage);
        var ids = new long[jobCount];
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < jobCount; i++)
        {
            ids[i] = long.Parse(
                client.Create(Job.FromExpression(() => NoOpJob.Run(), Queue), new EnqueuedState(Queue)),
                System.Globalization.CultureInfo.InvariantCulture);
        }

        var enqueueSeconds = watch.Elapsed.TotalSeconds;

        await using var count = database.DataSource.CreateCommand("SELECT count(*) FROM hangfire.job WHERE id = ANY($1) AND statename = 'Succeeded'");
        count.Parameters.Add(new NpgsqlParameter { Value = ids });
        var stuck = new StuckFetchWatch(database);
        watch.Restart();
        using (new BackgroundJobServer(
            new BackgroundJobServerOptions { WorkerCount = workers, Queues = [Queue], ServerName = "viaduct-bench-noop" }, storage))
        {
            while ((long)(await count.ExecuteScalarAsync(cancellationToken))! < jobCount)
            {
                if (watch.Elapsed > timeout)
                {
                    throw new BenchFailure($"the no-op Hangfire jobs did not all succeed within {timeout.TotalSeconds:N0} s");
                }

                await stuck.CheckAsync(cancellationToken);
                await Task.Delay(20, cancellationToken);
            }
        }

        var runSeconds = watch.Elapsed.TotalSeconds;
        // Hangfire stamps each state with the time it was applied: first Processing -> last Succeeded.
        await using var span = database.DataSource.CreateCommand("""
            SELECT extract(epoch FROM max(createdat) FILTER (WHERE name = 'Succeeded') - min(createdat) FILTER (WHERE name = 'Processing'))::float8
            FROM hangfire.state WHERE jobid = ANY($1)
            """);
        span.Parameters.Add(new NpgsqlParameter { Value = ids });
        var spanSeconds = (double)(await span.ExecuteScalarAsync(cancellationToken))!;
        return new Result(jobCount, workers, enqueueSeconds, runSeconds, spanSeconds, stuck.Describe());
    }
}
