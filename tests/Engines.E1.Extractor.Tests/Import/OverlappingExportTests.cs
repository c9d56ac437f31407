using Viaduct.Shared.Eclrs;
using Viaduct.Engines.E1.Extractor.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Import;

public sealed class OverlappingExportTests(DatabaseAndInbox fixture) : IClassFixture<DatabaseAndInbox>
{
    [Fact]
    public async Task An_overlapping_export_adds_only_its_new_rows_and_moves_last_seen_of_the_others()
    {
        await fixture.Inbox.PutAsync("inbox/day1.txt", EclrsText.Rows("WINDOW", 0, 10));
        await using var e1 = await E1Host.StartAsync(fixture);
        await e1.DrainAsync();
        await fixture.Inbox.PutAsync("inbox/day2.txt", EclrsText.Rows("WINDOW", 4, 10));
        await e1.DrainAsync();
        // The import records the re-sent rows as sightings; until the compactor folds them in, abouts
        // still say day 1.
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM abouts WHERE last_file_id = (SELECT id FROM files WHERE object_key = 'inbox/day2.txt') AND first_file_id <> last_file_id"));
        Assert.Equal(6L, await fixture.Database.ScalarAsync<long>("SELECT sum(row_count) FROM about_sightings WHERE file_id = (SELECT id FROM files WHERE object_key = 'inbox/day2.txt')"));
        Assert.True(await e1.Compactor.CompactOnceAsync(CancellationToken.None) >= 1);
        Assert.Equal(0, await e1.Compactor.CompactOnceAsync(CancellationToken.None));

        var day1 = await FileRow.ByKeyAsync(fixture.Database, "inbox/day1.txt");
        var day2 = await FileRow.ByKeyAsync(fixture.Database, "inbox/day2.txt");
        Assert.Equal(("processed", 10, 4, 6), (day2.State, day2.Rows, day2.New, day2.Duplicate));
        Assert.Equal(14L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE accession_number LIKE 'WINDOW-%'"));
        Assert.Equal(6L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM abouts WHERE first_file_id = $1 AND last_file_id = $2", day1.Id, day2.Id));
        Assert.Equal(4L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM abouts WHERE first_file_id = $1 AND last_file_id = $1", day1.Id));
        Assert.Equal(4L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM abouts WHERE first_file_id = $1 AND last_file_id = $1", day2.Id));
    }

    [Fact]
    public async Task Sightings_count_only_once_their_file_is_processed_and_those_of_a_duplicate_file_are_dropped()
    {
        var day1 = EclrsText.Rows("SIGHTED", 0, 10);
        await fixture.Inbox.PutAsync("inbox/sighted-day1.txt", day1);
        await using var e1 = await E1Host.StartAsync(fixture);
        await e1.DrainAsync();
        await e1.Compactor.CompactOnceAsync(CancellationToken.None);

        // The same bytes under another key: its lookups record sightings before the content hash shows what it is.
        await fixture.Inbox.PutAsync("inbox/sighted-again.txt", day1);
        await fixture.Inbox.PutAsync("inbox/sighted-day2.txt", EclrsText.Rows("SIGHTED", 5, 10));
        await e1.DrainAsync();
        var first = await FileRow.ByKeyAsync(fixture.Database, "inbox/sighted-day1.txt");
        var again = await FileRow.ByKeyAsync(fixture.Database, "inbox/sighted-again.txt");
        var day2 = await FileRow.ByKeyAsync(fixture.Database, "inbox/sighted-day2.txt");
        Assert.Equal(("duplicate", "processed"), (again.State, day2.State));
        Assert.Equal(10L, await fixture.Database.ScalarAsync<long>("SELECT sum(row_count) FROM about_sightings WHERE file_id = $1", again.Id));

        // A file still being imported keeps its sightings waiting.
        await fixture.Database.ExecuteAsync("UPDATE files SET state = 'processing' WHERE id = $1", day2.Id);
        await e1.Compactor.CompactOnceAsync(CancellationToken.None);
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM about_sightings WHERE file_id = $1", again.Id));
        Assert.Equal(5L, await fixture.Database.ScalarAsync<long>("SELECT sum(row_count) FROM about_sightings WHERE file_id = $1", day2.Id));
        Assert.Equal(10L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM abouts WHERE first_file_id = $1 AND last_file_id = $1", first.Id));

        await fixture.Database.ExecuteAsync("UPDATE files SET state = 'processed' WHERE id = $1", day2.Id);
        Assert.True(await e1.Compactor.CompactOnceAsync(CancellationToken.None) >= 1);
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM about_sightings WHERE file_id IN ($1, $2)", again.Id, day2.Id));
        Assert.Equal(5L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM abouts WHERE first_file_id = $1 AND last_file_id = $2", first.Id, day2.Id));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM abouts WHERE last_file_id = $1", again.Id));
    }

    [Fact]
    public async Task A_v1_row_reappearing_in_a_v3_file_is_a_duplicate()
    {
        await fixture.Inbox.PutAsync("inbox/old-format.txt", EclrsText.File(EclrsVersion.V1,
            EclrsText.Row(EclrsVersion.V1, "VERSIONS-1"), EclrsText.Row(EclrsVersion.V1, "VERSIONS-2")));
        await using var e1 = await E1Host.StartAsync(fixture);
        await e1.DrainAsync();
        await fixture.Inbox.PutAsync("inbox/new-format.txt", EclrsText.File(EclrsVersion.V3,
            EclrsText.Row(EclrsVersion.V3, "VERSIONS-1"), EclrsText.Row(EclrsVersion.V3, "VERSIONS-3")));
        await fixture.Inbox.PutAsync("inbox/middle-format.txt", EclrsText.File(EclrsVersion.V2,
            EclrsText.Row(EclrsVersion.V2, "VERSIONS-2"), EclrsText.Row(EclrsVersion.V2, "VERSIONS-3")));
        await e1.DrainAsync();

        var v3 = await FileRow.ByKeyAsync(fixture.Database, "inbox/new-format.txt");
        var v2 = await FileRow.ByKeyAsync(fixture.Database, "inbox/middle-format.txt");
        Assert.Equal((1, 1), (v3.New, v3.Duplicate));
        Assert.Equal((0, 2), (v2.New, v2.Duplicate));
        Assert.Equal(3L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE accession_number LIKE 'VERSIONS-%'"));
    }
}
