using System.Text.Json;
using Npgsql;
using Viaduct.Shared.Eclrs;
using Viaduct.Engines.E1.Extractor.Tests.Support;
using Viaduct.Shared.Data;
using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Import;

public sealed class NewFileTests(DatabaseAndInbox fixture) : IClassFixture<DatabaseAndInbox>
{
    [Fact]
    public async Task A_new_file_announced_on_the_queue_becomes_rows_statistics_and_a_notification()
    {
        await using var listener = await fixture.Database.DataSource.OpenConnectionAsync();
        var notified = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) => notified.TrySetResult(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {Notifications.TestResultsReady}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var content = EclrsText.File(EclrsVersion.V3,
            EclrsText.Row(EclrsVersion.V3, "NEW-1", county: "36001"),
            EclrsText.Row(EclrsVersion.V3, "NEW-2", county: "36001"),
            EclrsText.Row(EclrsVersion.V3, "NEW-3", county: "36061"));
        await fixture.Inbox.PutAsync("inbox/new file.txt", content);

        await using var e1 = await E1Host.StartAsync(fixture);
        Assert.True(await e1.DrainAsync() >= 1);

        var fileId = await fixture.Database.ScalarAsync<long>("SELECT id FROM files WHERE object_key = 'inbox/new file.txt'");
        Assert.Equal("processed", await fixture.Database.ScalarAsync<string>("SELECT state || coalesce(': ' || error, '') FROM files WHERE id = $1", fileId));
        Assert.Equal(3, await fixture.Database.ScalarAsync<int>("SELECT row_count FROM files WHERE id = $1", fileId));
        Assert.Equal(3, await fixture.Database.ScalarAsync<int>("SELECT new_count FROM files WHERE id = $1", fileId));
        Assert.Equal(0, await fixture.Database.ScalarAsync<int>("SELECT duplicate_count + bad_count FROM files WHERE id = $1", fileId));
        Assert.Equal((short)3, await fixture.Database.ScalarAsync<short>("SELECT eclrs_version FROM files WHERE id = $1", fileId));
        Assert.Equal(32, (await fixture.Database.ScalarAsync<byte[]>("SELECT content_sha256 FROM files WHERE id = $1", fileId)).Length);

        using var counties = JsonDocument.Parse(await fixture.Database.ScalarAsync<string>("SELECT county_stats::text FROM files WHERE id = $1", fileId));
        Assert.Equal(2, counties.RootElement.GetProperty("36001").GetProperty("new").GetInt32());
        Assert.Equal(1, counties.RootElement.GetProperty("36061").GetProperty("rows").GetInt32());

        Assert.Equal(3L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE file_id = $1", fileId));
        Assert.Equal(3L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM abouts WHERE first_file_id = $1 AND last_file_id = $1", fileId));
        Assert.Equal(new DateOnly(1947, 3, 1), await fixture.Database.ScalarAsync<DateOnly>(
            "SELECT date_of_birth FROM test_results WHERE accession_number = 'NEW-1'"));
        // 10:30 in New York in March 2020 (EDT, UTC-4) is 14:30 UTC.
        Assert.Equal(new DateTime(2020, 3, 18, 14, 30, 0, DateTimeKind.Utc), await fixture.Database.ScalarAsync<DateTime>(
            "SELECT collected_at FROM test_results WHERE accession_number = 'NEW-1'"));
        // Fields without a typed column are read back from raw_data with the same reader.
        var raw = await fixture.Database.ScalarAsync<string>("SELECT raw_data FROM test_results WHERE accession_number = 'NEW-2'");
        using (var stored = EclrsReader.OpenRows(new StringReader(raw), EclrsVersion.V3))
        {
            Assert.True(stored.Read());
            Assert.Equal("ACME | LABS", stored[EclrsColumns.SendingFacilityName]);
        }
        Assert.Equal(2, await fixture.Database.ScalarAsync<int>(
            "SELECT line_number FROM test_results WHERE accession_number = 'NEW-1'"));
        Assert.StartsWith("TESTPERSON|", await fixture.Database.ScalarAsync<string>(
            "SELECT raw_data FROM test_results WHERE accession_number = 'NEW-3'"), StringComparison.Ordinal);

        Assert.Equal(new[] { "received", "processing", "processed" }, await EventsAsync(fileId));
        // Npgsql delivers notifications while the connection reads; the one E1 sent at commit is waiting.
        Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(fileId.ToString(System.Globalization.CultureInfo.InvariantCulture), await notified.Task);
        Assert.Equal(0, await fixture.Inbox.WaitingAsync(fixture.Inbox.QueueUrl));
    }

    [Fact]
    public async Task Objects_outside_the_inbox_or_without_the_result_suffix_are_ignored_and_their_messages_deleted()
    {
        await fixture.Inbox.PutAsync("inbox/readme.pdf", "not a result file");
        await fixture.Inbox.PutAsync("inbox/IGNORED-CASE.TXT", EclrsText.Rows("CASE", 0, 1));

        await using var e1 = await E1Host.StartAsync(fixture);
        await e1.DrainAsync();

        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM files WHERE object_key = 'inbox/readme.pdf'"));
        Assert.Equal("processed", await fixture.Database.ScalarAsync<string>("SELECT state || coalesce(': ' || error, '') FROM files WHERE object_key = 'inbox/IGNORED-CASE.TXT'"));
        Assert.Equal(0, await fixture.Inbox.WaitingAsync(fixture.Inbox.QueueUrl));
    }

    private async Task<string[]> EventsAsync(long fileId)
    {
        var kinds = new List<string>();
        await using var command = fixture.Database.DataSource.CreateCommand("SELECT kind FROM events WHERE subject_type = 'file' AND subject_id = $1 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter { Value = fileId });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            kinds.Add(reader.GetString(0));
        }

        return [.. kinds];
    }
}
