using Viaduct.Engines.E1.Extractor.Tests.Support;
using Viaduct.Shared.Data.Model;
using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Import;

public sealed class ConcurrencyTests(DatabaseAndInbox fixture) : IClassFixture<DatabaseAndInbox>
{
    [Fact]
    public async Task Two_hosts_racing_on_overlapping_and_identical_files_store_every_row_exactly_once()
    {
        // Five overlapping 14-day-style windows of 120 rows, sliding by 40, and an identical copy of one.
        for (var i = 0; i < 5; i++)
        {
            await fixture.Inbox.PutAsync($"inbox/race-{i}.txt", EclrsText.Rows("RACE", i * 40, 120));
        }

        await fixture.Inbox.PutAsync("inbox/race-2-copy.txt", EclrsText.Rows("RACE", 80, 120));

        await using var first = await E1Host.StartAsync(fixture);
        await using var second = await E1Host.StartAsync(fixture);
        // Both listen, and the second also sweeps the inbox: three paths reach the same files at once.
        await Task.WhenAll(
            Task.Run(first.DrainAsync),
            Task.Run(second.DrainAsync),
            Task.Run(() => second.Sweeper.SweepOnceAsync(CancellationToken.None)));
        await Eventually.ReturnsAsync(
            async () =>
            {
                await Task.WhenAll(first.DrainAsync(), second.DrainAsync());
                return await fixture.Database.ScalarAsync<long>(
                    "SELECT count(*) FROM files WHERE object_key LIKE 'inbox/race-%' AND state NOT IN ('processed', 'duplicate')");
            },
            unfinished => unfinished == 0, TimeSpan.FromSeconds(60), "every racing file to be finished");

        Assert.Equal(6L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM files WHERE object_key LIKE 'inbox/race-%'"));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM files WHERE object_key IN ('inbox/race-2.txt', 'inbox/race-2-copy.txt') AND state = $1", FileState.Duplicate));
        // Rows 0..279 exist once each, however the files were split between the hosts.
        Assert.Equal(280L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE accession_number LIKE 'RACE-%'"));
        Assert.Equal(280L, await fixture.Database.ScalarAsync<long>("SELECT count(DISTINCT checksum) FROM test_results WHERE accession_number LIKE 'RACE-%'"));
        Assert.Equal(280L, await fixture.Database.ScalarAsync<long>(
            "SELECT sum(new_count) FROM files WHERE object_key LIKE 'inbox/race-%' AND state = 'processed'"));
        Assert.Equal(280L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM abouts a JOIN test_results t ON t.checksum = a.checksum WHERE t.accession_number LIKE 'RACE-%'"));
    }

    [Fact]
    public async Task A_row_another_replica_commits_while_a_file_is_imported_is_a_duplicate_not_a_second_copy()
    {
        var content = EclrsText.Rows("OVERTAKEN", 0, 5);
        await fixture.Inbox.PutAsync("inbox/overtaken.txt", content);
        var third = new byte[32];
        using (var eclrs = Viaduct.Shared.Eclrs.EclrsReader.Open(new StringReader(content)))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.True(eclrs.Read());
            }

            eclrs.WriteChecksum(third);
        }

        // "Another replica" inserts the third row's checksum and commits only after E1 has looked the row up
        // (not found) and copied it: E1's claim must then find it taken and drop its own copy.
        await using var other = await fixture.Database.DataSource.OpenConnectionAsync();
        await using var otherImport = await other.BeginTransactionAsync();
        await using (var insert = new Npgsql.NpgsqlCommand(
            "INSERT INTO abouts (checksum, first_file_id, last_file_id) VALUES ($1, 0, 0)", other))
        {
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = third });
            await insert.ExecuteNonQueryAsync();
        }

        await using var e1 = await E1Host.StartAsync(fixture);
        var drain = Task.Run(e1.DrainAsync);
        await Eventually.ReturnsAsync(
            () => fixture.Database.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'transactionid'"),
            waiting => waiting > 0, TimeSpan.FromSeconds(30), "E1 to wait on the other replica's checksum");
        await otherImport.CommitAsync();
        await drain.WaitAsync(TimeSpan.FromSeconds(30));

        var file = await FileRow.ByKeyAsync(fixture.Database, "inbox/overtaken.txt");
        Assert.Equal(("processed", 5, 4, 1), (file.State, file.Rows, file.New, file.Duplicate));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE checksum = $1", third));
        Assert.Equal(4L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE accession_number LIKE 'OVERTAKEN-%'"));
        Assert.Equal(4L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM abouts WHERE first_file_id = $1", file.Id));
    }
}
