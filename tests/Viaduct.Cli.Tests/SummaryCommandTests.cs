using Viaduct.Cli.Tests.Support;
using Viaduct.Samples;
using Viaduct.Testing;

namespace Viaduct.Cli.Tests;

/// <summary><c>summary</c> waits for E2 when asked, then prints what it made of the results.</summary>
public sealed class SummaryCommandTests(ViaductDatabase database) : IClassFixture<ViaductDatabase>
{
    [Fact]
    public async Task Summary_waits_for_E2_and_then_counts_what_it_made()
    {
        await StoredResults.AddAsync(database, [.. Enumerable.Range(0, 30).Select(i => SyntheticEclrs.Row(12, i))]);
        var commands = new ViaductCommands(database);

        var waiting = await commands.RunAsync("summary", "--wait", "--timeout", "00:00:00.300");
        Assert.Equal(1, waiting.ExitCode);
        Assert.Contains("results were still waiting for E2", waiting.Error, StringComparison.Ordinal);

        await InProcessEngines.TransformAllAsync(database);
        var result = await commands.SucceedsAsync("summary", "--wait");

        var people = await database.ScalarAsync<long>("SELECT count(*) FROM people");
        var cases = await database.ScalarAsync<long>("SELECT count(*) FROM index_cases");
        Assert.StartsWith($"results 30, people {people}, index cases {cases}, ", result.Output, StringComparison.Ordinal);
        Assert.Contains("outcomes: transformed ", result.Output, StringComparison.Ordinal);
        var busiest = await database.ScalarAsync<string>("SELECT county_fips FROM index_cases GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1");
        Assert.Contains(result.Output.Split('\n'), line => line.StartsWith(busiest + " ", StringComparison.Ordinal));
    }
}
