using Npgsql;
using Viaduct.Cli.Tests.Support;
using Viaduct.Shared.Data;
using Viaduct.Testing;

namespace Viaduct.Cli.Tests;

/// <summary><c>reenqueue</c> hands parked or failed cases back to E3, records who did, and wakes E3.</summary>
public sealed class ReenqueueCommandTests(ViaductDatabase database) : IClassFixture<ViaductDatabase>
{
    [Fact]
    public async Task Parked_cases_go_back_to_E3_first_then_failed_ones_and_each_is_recorded()
    {
        await Rows.AddCountyAsync(database, "91002", "reenqueue-a");
        var parked = await Rows.AddCaseAsync(database, "91002", "parked", "HTTP 422: refused");
        var failedAfterPost = await Rows.AddCaseAsync(database, "91002", "failed", "HTTP 503", postedVersion: 1);
        var posted = await Rows.AddCaseAsync(database, "91002", "posted", postedVersion: 1);
        var commands = new ViaductCommands(database);
        await using var listener = await database.DataSource.OpenConnectionAsync();
        var woken = 0;
        listener.Notification += (_, _) => Interlocked.Increment(ref woken);
        await using (var listen = new NpgsqlCommand($"LISTEN {Notifications.IndexCasesChanged}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var first = await commands.SucceedsAsync("reenqueue", "--parked");

        Assert.Contains("re-enqueued 1 case(s)", first.Output, StringComparison.Ordinal);
        Assert.True(await database.ScalarAsync<bool>("SELECT post_state IS NULL AND enqueued_version = 0 AND post_job_id IS NULL FROM index_cases WHERE id = $1", parked));
        Assert.Equal("failed", await database.ScalarAsync<string>("SELECT post_state FROM index_cases WHERE id = $1", failedAfterPost));
        await listener.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, woken);

        var second = await commands.SucceedsAsync("reenqueue");

        Assert.Contains("re-enqueued 1 case(s)", second.Output, StringComparison.Ordinal);
        // A case posted before goes back to 'posted' with its version ahead of the enqueued one: E3's ready state.
        Assert.True(await database.ScalarAsync<bool>("SELECT post_state = 'posted' AND version > enqueued_version FROM index_cases WHERE id = $1", failedAfterPost));
        Assert.Equal("posted", await database.ScalarAsync<string>("SELECT post_state FROM index_cases WHERE id = $1", posted));
        Assert.Equal([parked, failedAfterPost], await database.ScalarAsync<long[]>(
            "SELECT array_agg(subject_id ORDER BY id) FROM events WHERE kind = 'reenqueued' AND engine = 'viaduct-cli' AND subject_type = 'index_case'"));

        var nothing = await commands.SucceedsAsync("reenqueue", "--case", $"{posted}");
        Assert.Contains("re-enqueued 0 case(s)", nothing.Output, StringComparison.Ordinal);
    }
}
