using System.Globalization;
using Npgsql;
using Viaduct.Cli.Tests.Support;
using Viaduct.Samples;
using Viaduct.Shared.Data;
using Viaduct.Testing;

namespace Viaduct.Cli.Tests;

/// <summary><c>retransform</c> puts results back in E2's ready state; the real E2 then transforms them again and changes nothing but its outcome log.</summary>
public sealed class RetransformCommandTests : IAsyncLifetime
{
    // What E2 made: people, cases and lab results with their versions and properties, and the dropped values.
    private const string Made = """
        SELECT md5(concat_ws('|',
            (SELECT string_agg(id || ':' || cardinality(patient_keys), ',' ORDER BY id) FROM people),
            (SELECT string_agg(id || ':' || version || ':' || properties::text || ':' || changed_at, ',' ORDER BY id) FROM index_cases),
            (SELECT string_agg(id || ':' || version || ':' || properties::text, ',' ORDER BY id) FROM lab_results),
            (SELECT count(*) FROM merge_conflicts)))
        """;

    private readonly ViaductDatabase _database = new();
    private long[] _results = [];
    private long _fileId;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _results = await StoredResults.AddAsync(_database, [.. Enumerable.Range(0, 60).Select(i => SyntheticEclrs.Row(9, i))]);
        _fileId = await _database.ScalarAsync<long>("SELECT file_id FROM test_results WHERE id = $1", _results[0]);
        await InProcessEngines.TransformAllAsync(_database);
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_file_goes_back_to_E2_in_chunks_and_transforming_it_again_only_adds_outcomes()
    {
        var made = await _database.ScalarAsync<string>(Made);
        var outcomes = await _database.ScalarAsync<long>("SELECT count(*) FROM transform_outcomes");
        Assert.Equal(60L, outcomes);
        var commands = new ViaductCommands(_database);

        var dryRun = await commands.SucceedsAsync("retransform", "--file", $"{_fileId}", "--dry-run");
        Assert.Contains($"60 result(s) of file {_fileId}; 60 would go back to E2 (0 already wait for it)", dryRun.Output, StringComparison.Ordinal);
        Assert.Equal(0L, await ReadyAsync());

        await using var listener = await _database.DataSource.OpenConnectionAsync();
        var woken = 0;
        listener.Notification += (_, _) => Interlocked.Increment(ref woken);
        await using (var listen = new NpgsqlCommand($"LISTEN {Notifications.TestResultsReady}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var result = await commands.SucceedsAsync("retransform", "--file", $"{_fileId}", "--chunk-size", "25");

        Assert.Contains($"60 result(s) of file {_fileId} are back in E2's ready state", result.Output, StringComparison.Ordinal);
        Assert.Equal(60L, await ReadyAsync());
        Assert.Equal(0L, await _database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE transformed_by IS NOT NULL"));
        // One statement, one event and one wake-up per chunk of 25 ids; progress after each.
        var chunks = await _database.ScalarAsync<long[]>(
            "SELECT array_agg((detail->>'results')::bigint ORDER BY id) FROM events WHERE subject_type = 'test_result_range' AND engine = 'viaduct-cli'");
        Assert.Equal([25L, 25L, 10L], chunks);
        Assert.Equal(60L, await _database.ScalarAsync<long>(
            "SELECT (detail->>'results')::bigint FROM events WHERE subject_type = 'file' AND subject_id = $1 AND kind = 'retransform_requested'", _fileId));
        Assert.Equal(3, result.Error.Split('\n').Count(l => l.StartsWith("retransform: ", StringComparison.Ordinal) && l.Contains(" of 60 ", StringComparison.Ordinal)));
        await Eventually.ReturnsAsync(async () => { await listener.WaitAsync(TimeSpan.FromMilliseconds(100)); return woken; }, n => n == 3, TimeSpan.FromSeconds(5), "a wake-up per chunk");

        await InProcessEngines.TransformAllAsync(_database);

        Assert.Equal(0L, await ReadyAsync());
        Assert.Equal(120L, await _database.ScalarAsync<long>("SELECT count(*) FROM transform_outcomes"));
        Assert.Equal(0L, await _database.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT test_result_id FROM transform_outcomes GROUP BY 1 HAVING count(*) <> 2) AS odd"));
        Assert.Equal(0L, await _database.ScalarAsync<long>(
            "SELECT count(*) FROM transform_outcomes WHERE id > (SELECT max(id) - 60 FROM transform_outcomes) AND outcome NOT IN ('no_new_information', 'ignored')"));
        Assert.Equal(made, await _database.ScalarAsync<string>(Made));
    }

    [Fact]
    public async Task An_id_range_or_a_time_range_picks_exactly_those_results()
    {
        var commands = new ViaductCommands(_database);

        var byId = await commands.SucceedsAsync("retransform", "--from-id", $"{_results[10]}", "--to-id", $"{_results[19]}");
        Assert.Contains($"10 result(s) with from id {_results[10]}, to id {_results[19]} are back", byId.Output, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(10, 10).Select(i => _results[i]), await ReadyIdsAsync());

        var created = await _database.ScalarAsync<DateTime>("SELECT min(created_at) FROM test_results");
        var future = await commands.SucceedsAsync("retransform", "--since", Iso(created.AddHours(1)));
        Assert.Contains("0 result(s) with since", future.Output, StringComparison.Ordinal);

        var byTime = await commands.SucceedsAsync("retransform", "--since", Iso(created.AddSeconds(-1)), "--until", Iso(created.AddMinutes(5)));
        Assert.Contains("50 result(s) with since", byTime.Output, StringComparison.Ordinal);
        Assert.Contains("(10 were waiting already)", byTime.Output, StringComparison.Ordinal);
        Assert.Equal(60L, await ReadyAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("--file 1 --from-id 5")]
    [InlineData("--file 1 --chunk-size 0")]
    public async Task The_results_must_be_chosen_one_way_only(string options)
    {
        var result = await new ViaductCommands(_database).RunAsync(["retransform", .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--", result.Error, StringComparison.Ordinal);
        Assert.Equal(0L, await ReadyAsync());
    }

    private Task<long> ReadyAsync() => _database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE transformed_at IS NULL");

    private async Task<long[]> ReadyIdsAsync() =>
        await _database.ScalarAsync<long[]>("SELECT array_agg(id ORDER BY id) FROM test_results WHERE transformed_at IS NULL");

    private static string Iso(DateTime at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
