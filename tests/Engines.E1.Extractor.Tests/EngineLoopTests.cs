using Microsoft.Extensions.Time.Testing;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E1.Extractor.Tests;

public sealed class EngineLoopTests
{
    [Fact]
    public async Task The_loop_drains_while_there_is_work_survives_a_failure_and_stops_on_cancellation()
    {
        var time = new FakeTimeProvider();
        using var stop = new CancellationTokenSource();
        var calls = 0;
        var failures = new List<int>();
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var loop = EngineLoop.RunAsync(
            _ =>
            {
                calls++;
                switch (calls)
                {
                    case < 3: return Task.FromResult(true);   // work: go again at once
                    case 3: drained.SetResult(); return Task.FromResult(false);
                    case 4: throw new InvalidOperationException("database went away");
                    default: recovered.TrySetResult(); return Task.FromResult(false);
                }
            },
            TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), time, (_, n, _) => failures.Add(n), stop.Token);

        time.Advance(TimeSpan.FromMinutes(1));   // past the randomised first start
        await drained.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, calls);                  // three iterations without a sleep in between

        time.Advance(TimeSpan.FromMinutes(1));   // the sleep; the next iteration fails
        await WaitUntil(() => failures.Count == 1);
        Assert.Equal([1], failures);

        time.Advance(TimeSpan.FromMinutes(5));   // the back-off; the loop is still alive
        await recovered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(loop.IsCompletedSuccessfully);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }
}
