using System.Text.Json;
using Viaduct.Cli.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.Cli.Tests;

/// <summary><c>status</c> prints what <c>StatusReader</c> reads: the operator page's figures, as tables or camelCase JSON.</summary>
public sealed class StatusCommandTests(ViaductDatabase database) : IClassFixture<ViaductDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        if (await database.ScalarAsync<long>("SELECT count(*) FROM files") > 0)
        {
            return;
        }

        // Three results wait for E2; one file failed; two cases wait for an operator.
        await StoredResults.AddAsync(database, [.. Enumerable.Range(0, 3).Select(i => Viaduct.Samples.SyntheticEclrs.Row(2, i))]);
        await Rows.AddFileAsync(database, "inbox/broken.txt", "failed", "EclrsFormatException: no known ECLRS header");
        await Rows.AddCountyAsync(database, "91001", "status-a");
        await Rows.AddCaseAsync(database, "91001", "parked", "HTTP 422: owner_id is not a location of the domain");
        await Rows.AddCaseAsync(database, "91001", "failed", "gave up after every retry: HTTP 503");
        await database.ExecuteAsync("""
            INSERT INTO engine_hosts (engine, host, started_at, seen_at, items_processed, failures, items_per_minute, last_error, last_error_at)
            VALUES ('e2-transformer', 'box-a:11', now() - interval '1 hour', now(), 1200, 2, 42.5, 'TimeoutException: slow batch', now() - interval '5 minutes'),
                   ('e1-extractor', 'box-b:12', now() - interval '2 hours', now() - interval '10 minutes', 300, 1, 9, 'IOException: gone', now() - interval '11 minutes')
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_table_shows_each_engines_backlog_hosts_throughput_and_last_error_then_files_and_parked_cases()
    {
        var result = await new ViaductCommands(database).SucceedsAsync("status");
        var lines = result.Output.Split('\n');

        var e2 = Columns(lines.Single(l => l.StartsWith("e2-transformer", StringComparison.Ordinal)));
        Assert.Equal(["3", "1", "42.5", "1200", "2"], [e2[1], e2[3], e2[4], e2[5], e2[6]]);
        Assert.Contains("TimeoutException: slow batch", lines.Single(l => l.StartsWith("e2-transformer", StringComparison.Ordinal)), StringComparison.Ordinal);
        // A host silent for ten minutes is not live, but its last error still shows.
        var e1 = lines.Single(l => l.StartsWith("e1-extractor", StringComparison.Ordinal));
        Assert.Equal("0", Columns(e1)[3]);
        Assert.Contains("IOException: gone", e1, StringComparison.Ordinal);
        Assert.All(Viaduct.Shared.Data.Operations.EngineNames.All, engine => Assert.Single(lines, l => l.StartsWith(engine + " ", StringComparison.Ordinal)));
        Assert.Contains("reason: EclrsFormatException: no known ECLRS header", result.Output, StringComparison.Ordinal);
        Assert.Contains("parked or failed cases: 2", result.Output, StringComparison.Ordinal);
        Assert.Contains("HTTP 422: owner_id is not a location of the domain", result.Output, StringComparison.Ordinal);
        Assert.Contains("gave up after every retry: HTTP 503", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_json_is_the_system_status_in_camel_case()
    {
        var result = await new ViaductCommands(database).SucceedsAsync("status", "--json", "--parked", "1");
        var status = JsonDocument.Parse(result.Output).RootElement;

        Assert.Equal(
            ["e1-extractor", "e2-transformer", "e3-enqueuer", "e4-loader", "e5-sync"],
            status.GetProperty("engines").EnumerateArray().Select(e => e.GetProperty("engine").GetString()));
        var e2 = status.GetProperty("engines")[1];
        Assert.Equal(3, e2.GetProperty("backlog").GetInt64());
        Assert.Equal(1, e2.GetProperty("liveHosts").GetInt32());
        Assert.Equal(42.5, e2.GetProperty("itemsPerMinute").GetDouble());
        Assert.Equal("TimeoutException: slow batch", e2.GetProperty("lastError").GetString());
        Assert.True(e2.GetProperty("lagSeconds").GetDouble() >= 0);
        Assert.Contains(status.GetProperty("latestFiles").EnumerateArray(),
            f => f.GetProperty("state").GetString() == "failed" && f.GetProperty("error").GetString()!.Contains("no known ECLRS header", StringComparison.Ordinal));
        Assert.Equal(2, status.GetProperty("parkedCaseCount").GetInt64());
        var parked = Assert.Single(status.GetProperty("parkedCases").EnumerateArray());
        Assert.Equal("gave up after every retry: HTTP 503", parked.GetProperty("reason").GetString());
    }

    private static string[] Columns(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
