using Viaduct.Engines.E2.Transformer.Tests.Support;
using Viaduct.Samples;
using Viaduct.Testing;

namespace Viaduct.Engines.E2.Transformer.Tests.Transform;

/// <summary>Three E2 replicas on one backlog end exactly where one E2 does.</summary>
public sealed class ReplicaRaceTests : IAsyncLifetime
{
    private readonly ViaductDatabase _single = new();
    private readonly ViaductDatabase _raced = new();

    public async Task InitializeAsync()
    {
        await _single.InitializeAsync();
        await _raced.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _single.DisposeAsync();
        await _raced.DisposeAsync();
    }

    [Fact]
    public async Task Three_replicas_give_the_same_people_cases_and_lab_results_as_one()
    {
        var rows = Backlog();
        await StoredResults.AddAsync(_single, rows);
        await StoredResults.AddAsync(_raced, rows);

        await using (var one = await E2Host.StartAsync(_single, batchSize: 500))
        {
            await one.DrainAsync();
        }

        // Small, unequal batches keep the replicas claiming side by side, so rows of one person (by key or by name
        // and date of birth) are regularly in flight on two hosts at the same moment.
        await using var a = await E2Host.StartAsync(_raced, batchSize: 1, hostName: "replica-a");
        await using var b = await E2Host.StartAsync(_raced, batchSize: 7, hostName: "replica-b");
        await using var c = await E2Host.StartAsync(_raced, batchSize: 13, hostName: "replica-c");
        var claimed = await Task.WhenAll(Task.Run(a.DrainAsync), Task.Run(b.DrainAsync), Task.Run(c.DrainAsync));

        Assert.Equal(rows.Length, claimed.Sum());
        Assert.All(claimed, n => Assert.True(n > 0, "every replica should have taken a share"));
        var expected = await TransformSnapshot.ReadAsync(_single);
        var actual = await TransformSnapshot.ReadAsync(_raced);
        Assert.Equal(expected.People.Count, actual.People.Count);
        var missing = expected.Canonical().Except(actual.Canonical()).Take(3).ToList();
        var extra = actual.Canonical().Except(expected.Canonical()).Take(3).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0, $"one host made:\n{string.Join('\n', missing)}\nthree made instead:\n{string.Join('\n', extra)}");
        Assert.Equal(expected.Canonical(), actual.Canonical());
        Assert.Equal(rows.Length, actual.Outcomes.Select(o => o.TestResultId).Distinct().Count());
        Assert.Equal(rows.Length, actual.Outcomes.Count);
        Assert.Equal(0L, await _raced.ScalarAsync<long>("""
            SELECT count(*) FROM (SELECT k FROM people, unnest(patient_keys) AS k GROUP BY k HAVING count(*) > 1) AS shared
            """));
        Assert.Equal(3L, await _raced.ScalarAsync<long>("SELECT count(DISTINCT host) FROM transform_outcomes"));
    }

    // Synthetic results (people with one to three results, several counties), and people whose results all carry
    // another patient key, found only by name and date of birth, spread over the backlog.
    private static string[] Backlog()
    {
        var rows = new List<string>();
        for (var i = 0; i < 600; i++)
        {
            rows.Add(SyntheticEclrs.Row(seed: 7, i));
            if (i % 3 == 0)
            {
                var person = i / 3 % 40;
                rows.Add(ResultRows.Row($"ALIAS-{i}", $"ALIAS-ACC-{i}", lastName: $"Alias{person}", firstName: "Pat Lee", county: person % 2 == 0 ? "36001" : "36005"));
            }
        }

        return [.. rows];
    }
}
