using Viaduct.Engines.E5.Sync.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.Engines.E5.Sync.Tests;

/// <summary>Cases made by the real E2 and posted by the real E4: what E5 brings back never makes E3 post again.</summary>
public sealed class NoPingPongTests
{
    [Fact]
    public async Task Our_posts_echoing_back_and_remote_edits_synced_down_give_E3_nothing_to_enqueue()
    {
        await using var world = await SyncWorld.StartAsync();
        await using var outbound = await OutboundPipeline.StartAsync(world.Database, world.CommCare);
        await outbound.SeedAsync(rows: 30, seed: 11);
        Assert.True(await outbound.EnqueueAllAsync() > 0);
        await outbound.StartE4Async();
        await outbound.WaitUntilSettledAsync(TimeSpan.FromSeconds(60));
        var posted = await world.Database.ScalarAsync<long>("SELECT count(*) FROM index_cases WHERE post_state = 'posted' AND case_id IS NOT NULL");
        Assert.True(posted > 0);

        // Every posted case comes back as CommCare's change: nothing differs, nothing changes.
        var logs = new LogCapture();
        var e5 = await world.StartE5Async(logs: logs);
        await SyncWorld.SyncAllAsync(e5);
        Assert.Equal(posted, await world.Database.ScalarAsync<long>("SELECT sum(cases_synced)::bigint FROM sync_cursors"));
        Assert.Equal(0L, await world.Database.ScalarAsync<long>("SELECT count(*) FROM sync_changes"));
        Assert.Equal(0, await outbound.EnqueueAllAsync());

        // A person edits a case in CommCare: the value comes down, and still nothing is posted again.
        var (domain, externalId, caseId) = await FirstPostedAsync(world);
        await world.EditRemotelyAsync(domain, externalId, new() { ["address_street"] = "1 Remote Way", ["contact_phone_number"] = "5550199" });
        await SyncWorld.SyncAllAsync(e5);
        Assert.Equal("1 Remote Way", await world.Database.ScalarAsync<string>("SELECT properties->>'address_street' FROM index_cases WHERE case_id = $1", caseId));
        Assert.Equal(1L, await world.Database.ScalarAsync<long>("SELECT count(*) FROM sync_changes"));
        Assert.Equal(0, await outbound.EnqueueAllAsync());
        Assert.Equal(0L, await world.ReadyForE3Async());

        // Patient data never reaches the logs.
        Assert.DoesNotContain("Remote Way", logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("5550199", logs.AllText, StringComparison.Ordinal);
        var lastName = await world.Database.ScalarAsync<string>("SELECT properties->>'last_name' FROM index_cases WHERE case_id = $1", caseId);
        Assert.DoesNotContain(lastName, logs.AllText, StringComparison.Ordinal);
    }

    private static async Task<(string Domain, string ExternalId, string CaseId)> FirstPostedAsync(SyncWorld world)
    {
        var row = await world.Database.ScalarAsync<string>("""
            SELECT posted_domain || '|' || external_id || '|' || case_id FROM index_cases
            WHERE post_state = 'posted' AND case_id IS NOT NULL ORDER BY id LIMIT 1
            """);
        var parts = row.Split('|');
        return (parts[0], parts[1], parts[2]);
    }
}
