using Amazon.SQS.Model;
using Viaduct.Engines.E1.Extractor.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Import;

public sealed class DuplicateDeliveryTests(DatabaseAndInbox fixture) : IClassFixture<DatabaseAndInbox>
{
    [Fact]
    public async Task The_same_file_under_another_key_is_recorded_as_a_duplicate_delivery_and_adds_no_rows()
    {
        var content = EclrsText.Rows("SAMEFILE", 0, 4);
        await fixture.Inbox.PutAsync("inbox/monday.txt", content);
        await using var e1 = await E1Host.StartAsync(fixture);
        await e1.DrainAsync();
        await fixture.Inbox.PutAsync("inbox/monday-again.txt", content);
        await e1.DrainAsync();

        var first = await FileRow.ByKeyAsync(fixture.Database, "inbox/monday.txt");
        var again = await FileRow.ByKeyAsync(fixture.Database, "inbox/monday-again.txt");
        Assert.Equal(("processed", 4, 4), (first.State, first.Rows, first.New));
        Assert.Equal("duplicate", again.State);
        Assert.Equal(first.Id, again.DuplicateOf);
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE file_id = $1", again.Id));
        Assert.Equal(4L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE accession_number LIKE 'SAMEFILE-%'"));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM events WHERE subject_id = $1 AND kind = 'duplicate'", again.Id));
    }

    [Fact]
    public async Task A_redelivered_event_imports_the_file_once_and_both_messages_are_deleted()
    {
        await fixture.Inbox.PutAsync("inbox/redelivered.txt", EclrsText.Rows("REDELIVERED", 0, 3));
        // Take the real event off the queue and send it twice more: SQS delivers at least once.
        var received = await fixture.Inbox.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = fixture.Inbox.QueueUrl, WaitTimeSeconds = 5 });
        var body = Assert.Single(received.Messages ?? []).Body;
        await fixture.Inbox.Sqs.DeleteMessageAsync(fixture.Inbox.QueueUrl, received.Messages![0].ReceiptHandle);
        await fixture.Inbox.Sqs.SendMessageAsync(fixture.Inbox.QueueUrl, body);
        await fixture.Inbox.Sqs.SendMessageAsync(fixture.Inbox.QueueUrl, body);

        await using var e1 = await E1Host.StartAsync(fixture);
        Assert.Equal(2, await e1.DrainAsync());

        var file = await FileRow.ByKeyAsync(fixture.Database, "inbox/redelivered.txt");
        Assert.Equal(("processed", 3), (file.State, file.New));
        Assert.Equal(3L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE accession_number LIKE 'REDELIVERED-%'"));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM events WHERE subject_id = $1 AND kind = 'processed'", file.Id));
        Assert.Equal(0, await fixture.Inbox.WaitingAsync(fixture.Inbox.QueueUrl));
    }

    [Fact]
    public async Task S3_test_events_are_ignored_and_deleted()
    {
        await fixture.Inbox.Sqs.SendMessageAsync(fixture.Inbox.QueueUrl,
            """{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-23T10:00:00.000Z","Bucket":"any","RequestId":"1","HostId":"2"}""");
        await using var e1 = await E1Host.StartAsync(fixture);
        Assert.True(await e1.DrainAsync() >= 1);
        Assert.Equal(0, await fixture.Inbox.WaitingAsync(fixture.Inbox.QueueUrl));
    }
}
