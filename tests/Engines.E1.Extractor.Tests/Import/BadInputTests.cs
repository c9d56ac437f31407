using Viaduct.Shared.Eclrs;
using Viaduct.Engines.E1.Extractor.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Import;

public sealed class BadInputTests(DatabaseAndInbox fixture) : IClassFixture<DatabaseAndInbox>
{
    [Fact]
    public async Task A_bad_header_fails_the_whole_file_with_the_reason_and_deletes_its_message()
    {
        await fixture.Inbox.PutAsync("inbox/bad-header.txt",
            "NOT|AN|ECLRS|HEADER\n" + EclrsText.Row(EclrsVersion.V3, "BADHEADER-1") + "\n");
        await using var e1 = await E1Host.StartAsync(fixture);
        await e1.DrainAsync();

        var file = await FileRow.ByKeyAsync(fixture.Database, "inbox/bad-header.txt");
        Assert.Equal("failed", file.State);
        Assert.Contains("header", file.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE file_id = $1", file.Id));
        Assert.Equal(0, await fixture.Inbox.WaitingAsync(fixture.Inbox.QueueUrl));
        Assert.Equal(0, await fixture.Inbox.WaitingAsync(fixture.Inbox.DeadLetterQueueUrl));
    }

    [Fact]
    public async Task Bad_rows_are_kept_with_line_and_reason_while_the_rest_of_the_file_is_imported()
    {
        var good = EclrsText.Row(EclrsVersion.V3, "BADROWS-1");
        var content = EclrsText.File(EclrsVersion.V3,
            good,                                                             // line 2
            EclrsText.Row(EclrsVersion.V3, "BADROWS-2") + "|extra",           // line 3: one field too many
            EclrsText.Row(EclrsVersion.V3, "BADROWS-3", county: ""),          // line 4: blank county
            EclrsText.Row(EclrsVersion.V3, "BADROWS-4", county: "36O01"),     // line 5: letter O, not zero
            EclrsText.Row(EclrsVersion.V3, "BADROWS-5", county: "1111"),      // line 6: unknown code is not bad
            good);                                                            // line 7: repeated inside the file
        await fixture.Inbox.PutAsync("inbox/bad-rows.txt", content);
        await using var e1 = await E1Host.StartAsync(fixture);
        await e1.DrainAsync();

        var file = await FileRow.ByKeyAsync(fixture.Database, "inbox/bad-rows.txt");
        Assert.Equal(("processed", 6, 2, 1, 3), (file.State, file.Rows, file.New, file.Duplicate, file.Bad));
        Assert.Equal(new[] { 3, 4, 5 }, await LinesAsync("SELECT line_number FROM bad_rows WHERE file_id = $1 ORDER BY line_number", file.Id));
        Assert.Contains("field", await fixture.Database.ScalarAsync<string>("SELECT reason FROM bad_rows WHERE file_id = $1 AND line_number = 3", file.Id),
            StringComparison.OrdinalIgnoreCase);
        Assert.Contains("county", await fixture.Database.ScalarAsync<string>("SELECT reason FROM bad_rows WHERE file_id = $1 AND line_number = 4", file.Id),
            StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("|extra", await fixture.Database.ScalarAsync<string>("SELECT raw_data FROM bad_rows WHERE file_id = $1 AND line_number = 3", file.Id),
            StringComparison.Ordinal);
        Assert.Equal(new[] { 2, 6 }, await LinesAsync("SELECT line_number FROM test_results WHERE file_id = $1 ORDER BY line_number", file.Id));
    }

    [Fact]
    public async Task Rows_of_a_failed_file_count_as_new_when_they_come_again()
    {
        var rows = new[] { EclrsText.Row(EclrsVersion.V3, "RETRY-1"), EclrsText.Row(EclrsVersion.V3, "RETRY-2") };
        await fixture.Inbox.PutAsync("inbox/broken-first.txt", "BROKEN HEADER\n" + string.Join('\n', rows) + "\n");
        await using var e1 = await E1Host.StartAsync(fixture);
        await e1.DrainAsync();
        await fixture.Inbox.PutAsync("inbox/fixed.txt", EclrsText.File(EclrsVersion.V3, rows));
        await e1.DrainAsync();

        Assert.Equal("failed", (await FileRow.ByKeyAsync(fixture.Database, "inbox/broken-first.txt")).State);
        var fixedFile = await FileRow.ByKeyAsync(fixture.Database, "inbox/fixed.txt");
        Assert.Equal(("processed", 2), (fixedFile.State, fixedFile.New));
    }

    [Fact]
    public async Task A_line_longer_than_any_eclrs_row_fails_the_file_without_retrying()
    {
        await fixture.Inbox.PutAsync("inbox/runaway.txt", EclrsText.File(EclrsVersion.V3,
            EclrsText.Row(EclrsVersion.V3, "RUNAWAY-1"), new string('A', 1_100_000)));
        await using var e1 = await E1Host.StartAsync(fixture);
        await e1.DrainAsync();

        var file = await FileRow.ByKeyAsync(fixture.Database, "inbox/runaway.txt");
        Assert.Equal("failed", file.State);
        Assert.Contains("longer than", file.Error, StringComparison.Ordinal);
        Assert.Equal(1, await fixture.Database.ScalarAsync<int>("SELECT attempts FROM files WHERE id = $1", file.Id));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE file_id = $1", file.Id));
    }

    private async Task<int[]> LinesAsync(string sql, long fileId)
    {
        var lines = new List<int>();
        await using var command = fixture.Database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = fileId });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetInt32(0));
        }

        return [.. lines];
    }
}
