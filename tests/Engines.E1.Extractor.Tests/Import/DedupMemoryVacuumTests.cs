using Viaduct.Engines.E1.Extractor.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Import;

public sealed class DedupMemoryVacuumTests(DatabaseAndInbox fixture) : IClassFixture<DatabaseAndInbox>
{
    [Fact]
    public async Task An_import_that_adds_many_rows_vacuums_abouts_and_a_small_one_does_not()
    {
        await using var e1 = await E1Host.StartAsync(fixture, configure: settings => settings["E1:VacuumAfterNewRows"] = "5");

        await fixture.Inbox.PutAsync("inbox/vacuum-small.txt", EclrsText.Rows("VACUUM", 0, 4));
        await e1.DrainAsync();
        Assert.Equal(0L, await VacuumsAsync());
        Assert.Equal(0, await fixture.Database.ScalarAsync<int>("SELECT relallvisible FROM pg_class WHERE relname = 'abouts'"));

        await fixture.Inbox.PutAsync("inbox/vacuum-large.txt", EclrsText.Rows("VACUUM", 4, 5));
        await e1.DrainAsync();
        Assert.Equal(5, (await FileRow.ByKeyAsync(fixture.Database, "inbox/vacuum-large.txt")).New);
        Assert.Equal(1L, await VacuumsAsync());
        // Every page of abouts is all-visible: the next export's probes need not read the heap.
        Assert.True(await fixture.Database.ScalarAsync<bool>("SELECT relpages > 0 AND relallvisible = relpages FROM pg_class WHERE relname = 'abouts'"));
    }

    private Task<long> VacuumsAsync() =>
        fixture.Database.ScalarAsync<long>("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'abouts'");
}
