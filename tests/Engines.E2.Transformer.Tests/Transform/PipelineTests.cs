using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E2.Transformer.Tests.Support;
using Viaduct.Samples;
using Viaduct.Shared.Data.Model;
using Viaduct.Testing;

namespace Viaduct.Engines.E2.Transformer.Tests.Transform;

/// <summary>A file dropped in the inbox goes through the real E1 and the real E2, both with their loops running.</summary>
public sealed class PipelineTests : IAsyncLifetime
{
    // What the privacy row says about the patient; none of it may reach a log line of either engine.
    private static readonly string[] PatientData =
        ["PRIVATELASTNAME", "PRIVATEFIRSTNAME", "14FEB1961", "1961-02-14", "123 MAIN", "(555) 123-4567", "5551234567"];

    private readonly DatabaseAndInbox _fresh = new();

    public Task InitializeAsync() => _fresh.InitializeAsync();

    public Task DisposeAsync() => _fresh.DisposeAsync();

    [Fact]
    public async Task A_file_through_E1_and_E2_ends_as_people_cases_and_lab_results_with_one_outcome_per_result()
    {
        var logs = new LogCapture();
        // The poll interval is far longer than the test may take: only E1's notification can wake E2 in time.
        await using var e2 = await E2Host.StartAsync(_fresh.Database, batchSize: 500, logs: logs, loop: true, pollInterval: TimeSpan.FromMinutes(5));
        using var e1 = await InProcessEngines.StartE1Async(_fresh.Database, _fresh.Inbox, logs: logs);
        await Eventually.ReturnsAsync(
            () => _fresh.Database.ScalarAsync<long>("SELECT count(*) FROM counties"), n => n > 0, TimeSpan.FromSeconds(10), "E2 to start and write the counties");

        var path = Path.Combine(Path.GetTempPath(), $"viaduct-e2e-{Guid.NewGuid():N}.txt");
        SyntheticEclrs.WriteFile(path, new SyntheticEclrsOptions { Rows = 3_000, Seed = 11, BadRowShare = 0.01 });
        var privacyRow = ResultRows.Row("PRIVATE-KEY", "PRIVATE-ACC", lastName: "PRIVATELASTNAME", firstName: "PRIVATEFIRSTNAME", dob: "14FEB1961:00:00:00.000000");
        await File.AppendAllTextAsync(path, privacyRow + "\n");
        try
        {
            await _fresh.Inbox.PutFileAsync("inbox/e2e.txt", path);
        }
        finally
        {
            File.Delete(path);
        }

        var newRows = await Eventually.ReturnsAsync(
            () => _fresh.Database.ScalarAsync<int>("SELECT coalesce(sum(new_count), 0)::int FROM files WHERE state = 'processed'"),
            n => n > 0, TimeSpan.FromSeconds(30), "E1 to import the file");
        await Eventually.ReturnsAsync(
            () => _fresh.Database.ScalarAsync<long>("SELECT count(*) FROM transform_outcomes"), n => n == newRows, TimeSpan.FromSeconds(30),
            "E2 to record an outcome for every new result");

        Assert.Equal(0L, await _fresh.Database.ScalarAsync<long>("""
            SELECT count(*) FROM test_results t
            WHERE t.transformed_at IS NULL OR (SELECT count(*) FROM transform_outcomes o WHERE o.test_result_id = t.id) <> 1
            """));
        var people = await _fresh.Database.ScalarAsync<long>("SELECT count(*) FROM people");
        Assert.InRange(people, newRows * 4 / 10, newRows * 8 / 10);
        // Every transformed result's person holds its patient key, no key belongs to two people, and a person has
        // one case per county (none was closed).
        Assert.Equal(0L, await _fresh.Database.ScalarAsync<long>("""
            SELECT count(*) FROM transform_outcomes o JOIN test_results t ON t.id = o.test_result_id
            LEFT JOIN people p ON p.id = o.person_id
            WHERE o.outcome <> 'ignored'
                AND (p.id IS NULL OR (nullif(trim(t.patient_key), '') IS NOT NULL AND NOT trim(t.patient_key) = ANY(p.patient_keys)))
            """));
        Assert.Equal(0L, await _fresh.Database.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT k FROM people, unnest(patient_keys) AS k GROUP BY k HAVING count(*) > 1) AS shared"));
        Assert.Equal(0L, await _fresh.Database.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT 1 FROM index_cases GROUP BY person_id, county_fips HAVING count(*) > 1) AS doubled"));
        Assert.True(await _fresh.Database.ScalarAsync<long>("SELECT count(*) FROM lab_results") >= people);
        Assert.True(await _fresh.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE county_fips = '36000'") > 0, "unknown county codes go statewide");
        Assert.Equal(0L, await _fresh.Database.ScalarAsync<long>("SELECT count(*) FROM transform_outcomes WHERE outcome = 'failed'"));
        Assert.Equal(1L, await _fresh.Database.ScalarAsync<long>("""
            SELECT count(*) FROM people WHERE patient_keys = '{PRIVATE-KEY}' AND last_name = 'PRIVATELASTNAME'
            """));

        await e1.StopAsync();
        Assert.Contains(logs.Lines, line => line.Contains("\"BatchFinished\"", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Contains("\"ImportFinished\"", StringComparison.Ordinal));
        foreach (var secret in PatientData)
        {
            Assert.DoesNotContain(logs.Lines, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }
}
