using System.Diagnostics;
using Viaduct.Engines.E1.Extractor.Tests.Support;
using Viaduct.Shared.Eclrs;
using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Import;

public sealed class FailureRecoveryTests(DatabaseAndInbox fixture) : IClassFixture<DatabaseAndInbox>
{
    [Fact]
    public async Task A_host_killed_mid_file_leaves_nothing_behind_and_the_restarted_host_imports_it_exactly_once()
    {
        const int rows = 500;
        var content = EclrsText.Rows("KILLED", 0, rows);
        await fixture.Inbox.PutAsync("inbox/killed.txt", content);

        // E1 copies every new row into test_results, then claims their checksums in abouts. An uncommitted
        // insert of one of those checksums here makes that claim wait: the real E1 process is then stopped
        // exactly mid-file, with all its rows written inside its open transaction.
        var firstRow = new byte[32];
        using (var eclrs = EclrsReader.Open(new StringReader(content)))
        {
            Assert.True(eclrs.Read());
            eclrs.WriteChecksum(firstRow);
        }

        await using var holder = await fixture.Database.DataSource.OpenConnectionAsync();
        await using var blocking = await holder.BeginTransactionAsync();
        await using (var take = new Npgsql.NpgsqlCommand(
            "INSERT INTO abouts (checksum, first_file_id, last_file_id, first_seen_at, last_seen_at) VALUES ($1, 0, 0, now(), now())", holder))
        {
            take.Parameters.Add(new Npgsql.NpgsqlParameter { Value = firstRow });
            await take.ExecuteNonQueryAsync();
        }

        using var process = StartE1Process();
        try
        {
            var backend = await Eventually.ReturnsAsync(
                () => fixture.Database.ScalarAsync<int?>(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'transactionid' LIMIT 1"),
                pid => pid is not null || process.HasExited, TimeSpan.FromSeconds(60), "E1 to copy the file's rows and wait on the abouts claim");
            Assert.False(process.HasExited, "E1 exited before reaching the middle of the file");
            // Past the COPY of the rows: the statement it waits in is the claim of their checksums.
            Assert.Matches("^(COPY|INSERT INTO) abouts", (await fixture.Database.ScalarAsync<string>(
                "SELECT query FROM pg_stat_activity WHERE pid = $1", backend!.Value)).TrimStart());
            Assert.Equal("processing", (await FileRow.ByKeyAsync(fixture.Database, "inbox/killed.txt")).State);

            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await blocking.RollbackAsync();

            // Its backend notices the dead client once the lock is granted, and rolls back.
            await Eventually.ReturnsAsync(
                () => fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", backend!.Value),
                n => n == 0, TimeSpan.FromSeconds(30), "the killed host's transaction to end");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var killed = await FileRow.ByKeyAsync(fixture.Database, "inbox/killed.txt");
        Assert.Equal("processing", killed.State);
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE file_id = $1", killed.Id));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM abouts WHERE first_file_id = $1", killed.Id));

        // The restarted host gets the message again once its visibility runs out, and finishes the file.
        await using var restarted = await E1Host.StartAsync(fixture);
        var done = await Eventually.ReturnsAsync(
            async () =>
            {
                await restarted.DrainAsync();
                return await FileRow.ByKeyAsync(fixture.Database, "inbox/killed.txt");
            },
            file => file.State == "processed", TimeSpan.FromSeconds(60), "the restarted host to import the file");
        Assert.Equal((rows, rows), (done.Rows, done.New));
        Assert.Equal((long)rows, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE accession_number LIKE 'KILLED-%'"));
        Assert.Equal((long)rows, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM abouts WHERE first_file_id = $1", done.Id));
        Assert.Equal(0, await fixture.Inbox.WaitingAsync(fixture.Inbox.QueueUrl));
    }

    [Fact]
    public async Task A_file_that_keeps_failing_is_marked_failed_with_the_reason_and_its_message_goes_to_the_dead_letter_queue()
    {
        await fixture.Inbox.PutAsync("inbox/vanished.txt", EclrsText.Rows("VANISHED", 0, 2));
        await fixture.Inbox.S3.DeleteObjectAsync(fixture.Inbox.Bucket, "inbox/vanished.txt");

        await using var e1 = await E1Host.StartAsync(fixture);
        await e1.DrainAsync();

        var file = await FileRow.ByKeyAsync(fixture.Database, "inbox/vanished.txt");
        Assert.Equal("failed", file.State);
        Assert.Contains($"gave up after {fixture.Inbox.MaxReceiveCount} attempts", file.Error, StringComparison.Ordinal);
        Assert.Equal((long)fixture.Inbox.MaxReceiveCount, await fixture.Database.ScalarAsync<int>("SELECT attempts FROM files WHERE id = $1", file.Id));
        Assert.Equal(1, await fixture.Inbox.WaitingAsync(fixture.Inbox.DeadLetterQueueUrl));
        Assert.Equal(0, await fixture.Inbox.WaitingAsync(fixture.Inbox.QueueUrl));
    }

    [Fact]
    public async Task The_sweep_imports_an_object_whose_notification_was_lost_and_a_file_a_dead_host_left_unfinished()
    {
        await using var e1 = await E1Host.StartAsync(fixture);
        await e1.DrainAsync();
        await fixture.Inbox.PutAsync("inbox/unannounced.txt", EclrsText.Rows("UNANNOUNCED", 0, 3));
        await fixture.Inbox.Sqs.PurgeQueueAsync(fixture.Inbox.QueueUrl);
        await fixture.Inbox.PutAsync("inbox/abandoned.txt", EclrsText.Rows("ABANDONED", 0, 2));
        await fixture.Inbox.Sqs.PurgeQueueAsync(fixture.Inbox.QueueUrl);
        var abandoned = await e1.Registry.RegisterAsync(
            new Extractor.Import.S3ObjectRef(fixture.Inbox.Bucket, "inbox/abandoned.txt",
                (await fixture.Inbox.S3.GetObjectMetadataAsync(fixture.Inbox.Bucket, "inbox/abandoned.txt")).ETag),
            CancellationToken.None);
        await fixture.Database.ExecuteAsync("UPDATE files SET state = 'processing', claimed_by = 'dead-host' WHERE id = $1", abandoned);

        Assert.Equal(2, await e1.Sweeper.SweepOnceAsync(CancellationToken.None));

        Assert.Equal(("processed", 3), ((await FileRow.ByKeyAsync(fixture.Database, "inbox/unannounced.txt")).State,
            (await FileRow.ByKeyAsync(fixture.Database, "inbox/unannounced.txt")).New));
        Assert.Equal("processed", (await FileRow.ByKeyAsync(fixture.Database, "inbox/abandoned.txt")).State);
        Assert.Equal(0, await e1.Sweeper.SweepOnceAsync(CancellationToken.None));
    }

    private Process StartE1Process()
    {
        var settings = E1Host.Settings(fixture);
        settings["E1:ListenerEnabled"] = "true";
        settings["E1:VisibilityTimeout"] = "00:00:05";
        settings["E1:VisibilityHeartbeat"] = "00:00:02";
        settings["AWS_ACCESS_KEY_ID"] = "test";
        settings["AWS_SECRET_ACCESS_KEY"] = "test";
        return EngineProcess.Start("Viaduct.E1.Extractor", settings);
    }
}
