using Viaduct.Testing;

namespace Viaduct.Engines.E4.Loader.Tests.Enqueue;

/// <summary>The real E3 step against real PostgreSQL and Hangfire's storage, with no E4 running.</summary>
public sealed class EnqueueTests
{
    [Fact]
    public async Task Changed_cases_get_one_job_per_batch_of_one_domain_and_never_a_second_pending_job()
    {
        await using var pipeline = await OutboundPipeline.StartAsync(casesPerJob: 3);
        await pipeline.SeedAsync(rows: 60);
        var postable = await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE postable");

        Assert.Equal(postable, await pipeline.EnqueueAllAsync());

        Assert.Equal(0L, await pipeline.Database.ScalarAsync<long>(
            "SELECT count(*) FROM index_cases WHERE post_state IS DISTINCT FROM 'enqueued' OR post_job_id IS NULL OR enqueued_at IS NULL"));
        // A job holds at most 3 cases, all of one domain.
        Assert.Equal(0L, await pipeline.Database.ScalarAsync<long>("""
            SELECT count(*) FROM (
                SELECT post_job_id FROM index_cases c JOIN counties co ON co.fips = c.county_fips
                GROUP BY post_job_id HAVING count(*) > 3 OR count(DISTINCT co.domain) > 1) AS wrong
            """));
        var jobs = await pipeline.Database.ScalarAsync<long>("SELECT count(DISTINCT post_job_id) FROM index_cases");
        Assert.Equal(jobs, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM hangfire.job WHERE statename = 'Enqueued'"));
        Assert.Equal(postable, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM events WHERE kind = 'enqueued'"));

        // E2 adds to a case whose job is still pending: no second job; once that job is done, the case goes again.
        await pipeline.Database.ExecuteAsync("UPDATE index_cases SET version = version + 1, changed_at = now() WHERE id = (SELECT min(id) FROM index_cases)");
        Assert.Equal(0, await pipeline.EnqueueAllAsync());
        await pipeline.Database.ExecuteAsync("""
            UPDATE index_cases SET post_state = 'posted', posted_version = version - 1, post_job_id = NULL WHERE id = (SELECT min(id) FROM index_cases)
            """);
        Assert.Equal(1, await pipeline.EnqueueAllAsync());
    }

    [Fact]
    public async Task A_claim_whose_job_was_never_recorded_is_made_ready_again_after_a_while()
    {
        await using var pipeline = await OutboundPipeline.StartAsync();
        await pipeline.SeedAsync(rows: 5);
        var enqueued = await pipeline.EnqueueAllAsync();
        // As if E3 died between its claim and recording the jobs, long ago.
        await pipeline.Database.ExecuteAsync("UPDATE index_cases SET post_job_id = NULL, enqueued_at = now() - interval '1 hour'");

        Assert.Equal(enqueued, await pipeline.Enqueuer.RescueStaleAsync(CancellationToken.None));

        Assert.Equal(enqueued, await pipeline.EnqueueAllAsync());
        Assert.Equal(0, await pipeline.Enqueuer.RescueStaleAsync(CancellationToken.None));
    }
}
