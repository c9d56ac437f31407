using System.Diagnostics;
using Viaduct.Testing;

namespace Viaduct.Engines.E4.Loader.Tests.Outbound;

/// <summary>A real E4 process killed while CommCare is applying its post.</summary>
public sealed class KilledLoaderTests
{
    [Fact]
    public async Task E4_killed_mid_job_leaves_the_case_posted_exactly_once_by_the_next_E4()
    {
        await using var pipeline = await OutboundPipeline.StartAsync(casesPerJob: 1);
        await pipeline.SeedAsync(rows: 1);
        // Slow posts: the process is killed while its request is in flight; CommCare still applies it.
        await pipeline.CommCare.ChangeFaultsAsync(new { latency_ms = 3000, methods = new[] { "POST" } });
        using (var process = StartE4Process(pipeline))
        {
            try
            {
                Assert.Equal(1, await pipeline.EnqueueAllAsync());
                await Eventually.ReturnsAsync(
                    async () => (await pipeline.CommCare.StatsAsync())["requests"]!.GetValue<long>(), n => n > 0, TimeSpan.FromSeconds(30),
                    "the E4 process to send its post");
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        await pipeline.CommCare.ChangeFaultsAsync(new { latency_ms = 0 });
        // The killed server's job becomes visible again after E4:InvisibilityTimeout (5 s here) and runs on the next E4.
        await pipeline.StartE4Async();
        await pipeline.WaitUntilSettledAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("posted", await pipeline.Database.ScalarAsync<string>("SELECT post_state FROM index_cases"));
        Assert.Equal(1L, await pipeline.Database.ScalarAsync<long>("SELECT count(*) FROM commcare.cases WHERE case_type = 'patient'"));
        Assert.Equal(0L, await pipeline.Database.ScalarAsync<long>("""
            SELECT count(*) FROM (SELECT 1 FROM commcare.cases GROUP BY domain, external_id HAVING count(*) > 1) AS duplicated
            """));
    }

    private static Process StartE4Process(OutboundPipeline pipeline) =>
        EngineProcess.Start(
            "Viaduct.E4.Loader",
            new Dictionary<string, string?>(pipeline.CommCare.ClientSettings())
            {
                ["ConnectionStrings:Viaduct"] = pipeline.Database.ConnectionString,
                ["E4:InvisibilityTimeout"] = "00:00:05",
                ["E4:QueuePollInterval"] = "00:00:00.100",
            },
            "--urls", "http://127.0.0.1:0");
}
