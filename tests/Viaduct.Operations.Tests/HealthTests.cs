using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Viaduct.Operations.Tests.Support;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Operations.Tests;

/// <summary>
/// Every engine host answers <c>/health/live</c> while it runs, <c>/health/ready</c> only while its dependencies
/// answer (PostgreSQL; and S3 and SQS for E1), and <c>/health</c> with every check's result.
/// </summary>
public sealed class HealthTests
{
    public static TheoryData<string> Engines => [.. EngineNames.All];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_engine_whose_dependencies_answer_is_live_and_ready_and_health_lists_its_checks(string engine)
    {
        await using var world = await EngineWorld.StartAsync();
        var host = await world.StartAsync(engine);

        var (liveStatus, live) = await host.HealthAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, liveStatus);
        Assert.Equal("Healthy", (string?)live["status"]);
        // Liveness asks nothing of the dependencies.
        Assert.Empty(live["checks"]!.AsObject());

        var (readyStatus, ready) = await host.HealthAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, readyStatus);
        Assert.Equal("Healthy", (string?)ready["status"]);
        Assert.Equal(ReadyChecks(engine), Checks(ready).Keys.Order());
        Assert.All(Checks(ready), c => Assert.Equal("Healthy", c.Value));

        var (allStatus, all) = await host.HealthAsync("/health");
        Assert.Equal(HttpStatusCode.OK, allStatus);
        Assert.Equal(ReadyChecks(engine), Checks(all).Keys.Order());
        Assert.All(all["checks"]!.AsObject(), c => Assert.NotNull(c.Value!["durationMs"]));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_engine_that_cannot_reach_PostgreSQL_is_live_but_not_ready(string engine)
    {
        await using var world = await EngineWorld.StartAsync();
        var unreachable = new NpgsqlConnectionStringBuilder(world.Database.ConnectionString)
        {
            Port = EngineWorld.ClosedPort(),
            Timeout = 2,
        }.ConnectionString;
        var host = await world.StartAsync(engine, s => s["ConnectionStrings:Viaduct"] = unreachable);

        var (liveStatus, _) = await host.HealthAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, liveStatus);

        var (readyStatus, ready) = await host.HealthAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
        Assert.Equal("Unhealthy", (string?)ready["status"]);
        var checks = Checks(ready);
        Assert.Equal("Unhealthy", checks["postgresql"]);
        // Only the dependency that is gone fails: E1's inbox still answers.
        Assert.All(checks.Where(c => c.Key != "postgresql"), c => Assert.Equal("Healthy", c.Value));

        var (allStatus, all) = await host.HealthAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, allStatus);
        Assert.Equal("Unhealthy", Checks(all)["postgresql"]);
    }

    [Fact]
    public async Task E1_that_cannot_reach_its_S3_and_SQS_endpoint_is_live_but_not_ready()
    {
        await using var world = await EngineWorld.StartAsync();
        var unreachable = EngineWorld.ClosedPortUrl();
        var host = await world.StartAsync(EngineNames.Extractor, s =>
        {
            s["Aws:ServiceUrl"] = unreachable;
            s["E1:Queue"] = unreachable + "000000000000/" + world.Inbox.QueueName;
        });

        var (liveStatus, _) = await host.HealthAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, liveStatus);

        var (readyStatus, ready) = await host.HealthAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
        var checks = Checks(ready);
        Assert.Equal("Unhealthy", checks["s3"]);
        Assert.Equal("Unhealthy", checks["sqs"]);
        Assert.Equal("Healthy", checks["postgresql"]);
    }

    private static string[] ReadyChecks(string engine) =>
        engine == EngineNames.Extractor ? ["postgresql", "s3", "sqs"] : ["postgresql"];

    private static Dictionary<string, string?> Checks(JsonObject report) =>
        report["checks"]!.AsObject().ToDictionary(c => c.Key, c => (string?)c.Value!["status"]);
}
