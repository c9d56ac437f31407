using Viaduct.Engines.E1.Extractor.Tests.Support;
using Viaduct.Samples;
using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Import;

/// <summary>Files of several thousand rows, so every path of the chunked import runs: looked-up chunks, chunks copied straight, and the switch between them.</summary>
public sealed class LargeFileTests(DatabaseAndInbox fixture) : IClassFixture<DatabaseAndInbox>
{
    [Fact]
    public async Task A_large_export_and_its_overlapping_successor_store_every_row_once()
    {
        // Seed 42: rows of their own. 10,000 new rows, then a window sliding by 4,000.
        var first = await WriteAsync(new SyntheticEclrsOptions { Rows = 10_000, Seed = 42 });
        var second = await WriteAsync(new SyntheticEclrsOptions { Rows = 10_000, Seed = 42, FirstIndex = 4_000 });
        await fixture.Inbox.PutFileAsync("inbox/large-1.txt", first);
        await using var e1 = await E1Host.StartAsync(fixture);
        await e1.DrainAsync();
        await fixture.Inbox.PutFileAsync("inbox/large-2.txt", second);
        await e1.DrainAsync();
        File.Delete(first);
        File.Delete(second);

        var one = await FileRow.ByKeyAsync(fixture.Database, "inbox/large-1.txt");
        var two = await FileRow.ByKeyAsync(fixture.Database, "inbox/large-2.txt");
        Assert.Equal(("processed", 10_000, 10_000, 0), (one.State, one.Rows, one.New, one.Duplicate));
        Assert.Equal(("processed", 10_000, 4_000, 6_000), (two.State, two.Rows, two.New, two.Duplicate));
        Assert.Equal(14_000L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE file_id IN ($1, $2)", one.Id, two.Id));
        Assert.Equal(14_000L, await fixture.Database.ScalarAsync<long>("SELECT count(DISTINCT checksum) FROM test_results WHERE file_id IN ($1, $2)", one.Id, two.Id));
        Assert.Equal(4_000L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM abouts WHERE first_file_id = $1", two.Id));
        Assert.Equal(6_000L, await fixture.Database.ScalarAsync<long>("SELECT sum(row_count) FROM about_sightings WHERE file_id = $1", two.Id));
        // Line numbers follow the file: the second file's new rows are its last 4,000 lines.
        Assert.Equal(6_002, await fixture.Database.ScalarAsync<int>("SELECT min(line_number) FROM test_results WHERE file_id = $1", two.Id));
        Assert.Equal(10_001, await fixture.Database.ScalarAsync<int>("SELECT max(line_number) FROM test_results WHERE file_id = $1", two.Id));
    }

    private static Task<string> WriteAsync(SyntheticEclrsOptions options)
    {
        var path = Path.Combine(Path.GetTempPath(), $"viaduct-test-{Guid.NewGuid():N}.txt");
        SyntheticEclrs.WriteFile(path, options);
        return Task.FromResult(path);
    }
}
