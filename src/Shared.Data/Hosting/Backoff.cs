namespace Viaduct.Shared.Data.Hosting;

/// <summary>Pause after repeated loop failures: doubling from one second, capped, with jitter so replicas spread out.</summary>
public static class Backoff
{
    public static TimeSpan After(int failures, TimeSpan max)
    {
        var seconds = Math.Min(max.TotalSeconds, Math.Pow(2, Math.Clamp(failures - 1, 0, 16)));
        return TimeSpan.FromSeconds(seconds * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    /// <summary>A random share of <paramref name="interval"/>, so replicas started together do not poll in step.</summary>
    public static TimeSpan Jitter(TimeSpan interval) => interval * Random.Shared.NextDouble();
}
