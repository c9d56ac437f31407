using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Viaduct.Cli.Tests.Support;
using Viaduct.Samples;
using Viaduct.Testing;

namespace Viaduct.Cli.Tests;

/// <summary>
/// <c>replay-file</c> against the real E1. Its replay worker polls only every ten minutes here, so every replay that
/// finishes in time was started by the command's notification.
/// </summary>
public sealed class ReplayFileTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly DatabaseAndInbox _fresh = new();
    private IHost _e1 = null!;

    public async Task InitializeAsync()
    {
        await _fresh.InitializeAsync();
        _e1 = await InProcessEngines.StartE1Async(_fresh.Database, _fresh.Inbox, s => s["E1:ReplayPollInterval"] = "00:10:00");
    }

    public async Task DisposeAsync()
    {
        await EngineHosts.StopAsync(_e1);
        await _fresh.DisposeAsync();
    }

    [Fact]
    public async Task A_replay_brings_back_the_rows_a_processed_file_lost_and_stores_nothing_twice()
    {
        var fileId = await DeliverAsync("inbox/lossy.txt", Export(seed: 31, rows: 400, badShare: 0.03));
        var before = await RowsAsync(fileId);
        var bad = await _fresh.Database.ScalarAsync<long>("SELECT count(*) FROM bad_rows WHERE file_id = $1", fileId);
        var firstImport = await FiguresAsync(fileId);
        Assert.True(bad > 0);
        await _fresh.Database.ExecuteAsync(
            "DELETE FROM test_results WHERE id IN (SELECT id FROM test_results WHERE file_id = $1 ORDER BY line_number LIMIT 25 OFFSET 100)", fileId);

        var result = await new ViaductCommands(_fresh.Database, _fresh.Inbox).SucceedsAsync("replay-file", $"{fileId}", "--wait", "--timeout", "00:01:00");

        Assert.Contains($"file {fileId} (inbox/lossy.txt) was processed: {firstImport.Rows} rows, {firstImport.New} new", result.Output, StringComparison.Ordinal);
        Assert.Contains("the replay brought back 25 row(s)", result.Output, StringComparison.Ordinal);
        Assert.Contains($"replay of file {fileId} finished", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, await RowsAsync(fileId));
        Assert.Equal(0L, await _fresh.Database.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT 1 FROM test_results WHERE file_id = $1 GROUP BY checksum HAVING count(*) > 1) AS doubled", fileId));
        Assert.Equal(bad, await _fresh.Database.ScalarAsync<long>("SELECT count(*) FROM bad_rows WHERE file_id = $1", fileId));
        // The file's figures are the replay's; the first import's stay in its event.
        var replayed = await FiguresAsync(fileId);
        Assert.Equal((firstImport.Rows, 25, firstImport.Bad), (replayed.Rows, replayed.New, replayed.Bad));
        Assert.Equal("processed", await _fresh.Database.ScalarAsync<string>("SELECT state FROM files WHERE id = $1", fileId));
        Assert.True(await _fresh.Database.ScalarAsync<bool>("SELECT replay_requested_at IS NULL FROM files WHERE id = $1", fileId));
        var events = await EventsAsync(fileId);
        Assert.Equal(["received", "processing", "processed", "replay_requested", "processing", "processed"], events.Select(e => e.Kind));
        Assert.Equal("viaduct-cli", events[3].Engine);
        Assert.Equal(firstImport.New, events[2].Detail.GetProperty("new").GetInt32());
        Assert.False(events[2].Detail.TryGetProperty("replay", out _));
        Assert.Equal(25, events[5].Detail.GetProperty("new").GetInt32());
        Assert.True(events[5].Detail.GetProperty("replay").GetBoolean());
    }

    [Fact]
    public async Task A_replay_of_a_file_that_lost_nothing_adds_nothing_and_the_file_keeps_its_identity()
    {
        var content = Export(seed: 32, rows: 200);
        var original = await DeliverAsync("inbox/original.txt", content);
        var before = await RowsAsync(original);

        var result = await new ViaductCommands(_fresh.Database, _fresh.Inbox).SucceedsAsync("replay-file", $"{original}", "--wait");

        Assert.Contains("the replay brought back 0 row(s)", result.Output, StringComparison.Ordinal);
        Assert.Equal(before, await RowsAsync(original));
        Assert.Equal("processed", await _fresh.Database.ScalarAsync<string>("SELECT state FROM files WHERE id = $1", original));
        Assert.True(await _fresh.Database.ScalarAsync<bool>("SELECT duplicate_of_file_id IS NULL FROM files WHERE id = $1", original));

        // The same content delivered again is still a duplicate of it.
        var again = await DeliverAsync("inbox/original-again.txt", content);
        Assert.Equal(original, await _fresh.Database.ScalarAsync<long>("SELECT duplicate_of_file_id FROM files WHERE id = $1", again));
    }

    [Fact]
    public async Task A_replay_of_a_duplicate_delivery_replays_its_original()
    {
        var content = Export(seed: 33, rows: 120);
        var original = await DeliverAsync("inbox/first.txt", content);
        var duplicate = await DeliverAsync("inbox/second.txt", content);
        Assert.Equal("duplicate", await _fresh.Database.ScalarAsync<string>("SELECT state FROM files WHERE id = $1", duplicate));
        await _fresh.Database.ExecuteAsync("DELETE FROM test_results WHERE id = (SELECT max(id) FROM test_results WHERE file_id = $1)", original);

        var result = await new ViaductCommands(_fresh.Database, _fresh.Inbox).SucceedsAsync("replay-file", $"{duplicate}", "--wait");

        Assert.Contains($"file {duplicate} (inbox/second.txt) is a duplicate delivery of file {original}", result.Output, StringComparison.Ordinal);
        Assert.Contains($"Replay of file {original} requested", result.Output, StringComparison.Ordinal);
        Assert.Contains("the replay brought back 1 row(s)", result.Output, StringComparison.Ordinal);
        Assert.Equal(120L, await RowsAsync(original));
        Assert.Equal("duplicate", await _fresh.Database.ScalarAsync<string>("SELECT state FROM files WHERE id = $1", duplicate));
        Assert.Equal(duplicate, await _fresh.Database.ScalarAsync<long>(
            "SELECT (detail->>'requested_for')::bigint FROM events WHERE subject_id = $1 AND kind = 'replay_requested'", original));
    }

    [Fact]
    public async Task A_replay_of_a_file_that_cannot_be_read_fails_again_with_its_reason()
    {
        var fileId = await DeliverAsync("inbox/garbage.txt", "this is not an ECLRS header\nnor a row\n");
        Assert.Equal("failed", await _fresh.Database.ScalarAsync<string>("SELECT state FROM files WHERE id = $1", fileId));

        var result = await new ViaductCommands(_fresh.Database, _fresh.Inbox).RunAsync("replay-file", $"{fileId}", "--wait");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"file {fileId} (inbox/garbage.txt) is failed", result.Output, StringComparison.Ordinal);
        Assert.Contains("state      failed", result.Output, StringComparison.Ordinal);
        Assert.Contains("reason", result.Output, StringComparison.Ordinal);
        Assert.True(await _fresh.Database.ScalarAsync<bool>("SELECT replay_requested_at IS NULL FROM files WHERE id = $1", fileId));
        Assert.Equal(2L, await _fresh.Database.ScalarAsync<long>("SELECT count(*) FROM events WHERE subject_id = $1 AND kind = 'failed'", fileId));
    }

    [Fact]
    public async Task A_file_still_waiting_or_being_imported_is_not_replayed()
    {
        var fileId = await DeliverAsync("inbox/busy.txt", Export(seed: 34, rows: 10));
        var commands = new ViaductCommands(_fresh.Database, _fresh.Inbox);

        // An import holds the file's row lock for as long as it runs.
        await using (var connection = await _fresh.Database.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var hold = new NpgsqlCommand("SELECT 1 FROM files WHERE id = $1 FOR UPDATE", connection, transaction))
            {
                hold.Parameters.Add(new NpgsqlParameter { Value = fileId });
                await hold.ExecuteNonQueryAsync();
            }

            var locked = await commands.RunAsync("replay-file", $"{fileId}");
            Assert.Equal(1, locked.ExitCode);
            Assert.Contains("is being imported right now", locked.Error, StringComparison.Ordinal);
        }

        await _fresh.Database.ExecuteAsync("UPDATE files SET state = 'processing' WHERE id = $1", fileId);
        var processing = await commands.RunAsync("replay-file", $"{fileId}");
        Assert.Equal(1, processing.ExitCode);
        Assert.Contains("is still processing", processing.Error, StringComparison.Ordinal);

        var missing = await commands.RunAsync("replay-file", "999999");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no file 999999", missing.Error, StringComparison.Ordinal);
        Assert.Equal(0L, await _fresh.Database.ScalarAsync<long>("SELECT count(*) FROM events WHERE kind = 'replay_requested'"));
    }

    private static string Export(int seed, int rows, double badShare = 0)
    {
        using var writer = new StringWriter();
        SyntheticEclrs.Write(writer, new SyntheticEclrsOptions { Rows = rows, Seed = seed, BadRowShare = badShare });
        return writer.ToString();
    }

    /// <summary>Puts an object in the inbox and waits until E1 has finished it; returns its file id.</summary>
    private async Task<long> DeliverAsync(string key, string content)
    {
        await _fresh.Inbox.PutAsync(key, content);
        return await Eventually.ReturnsAsync(
            () => _fresh.Database.ScalarAsync<long?>("SELECT id FROM files WHERE object_key = $1 AND state IN ('processed', 'duplicate', 'failed')", key),
            id => id is not null, Patience, $"E1 to finish {key}") ?? 0;
    }

    private Task<long> RowsAsync(long fileId) => _fresh.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE file_id = $1", fileId);

    private async Task<(int Rows, int New, int Bad)> FiguresAsync(long fileId)
    {
        var figures = await _fresh.Database.ScalarAsync<int[]>("SELECT ARRAY[row_count, new_count, bad_count] FROM files WHERE id = $1", fileId);
        return (figures[0], figures[1], figures[2]);
    }

    private async Task<List<(string Kind, string Engine, JsonElement Detail)>> EventsAsync(long fileId)
    {
        var rows = await _fresh.Database.ScalarAsync<string>("""
            SELECT json_agg(json_build_object('kind', kind, 'engine', engine, 'detail', coalesce(detail, '{}')) ORDER BY id)::text
            FROM events WHERE subject_type = 'file' AND subject_id = $1
            """, fileId);
        return JsonDocument.Parse(rows).RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("engine").GetString()!, e.GetProperty("detail").Clone()))
            .ToList();
    }
}
