using System.ComponentModel.DataAnnotations;

namespace Viaduct.Engines.E4.Loader;

/// <summary>E4's settings (section <c>E4</c>; environment <c>E4__WorkerCount</c> and so on).</summary>
public sealed class E4Options
{
    public const string Section = "E4";

    /// <summary>Run the Hangfire server (the posting workers). Off: the host serves only the dashboard.</summary>
    public bool ServerEnabled { get; set; } = true;

    /// <summary>
    /// Posting jobs run at once by this host. More is not faster: every idle Hangfire worker polls the queue, and on
    /// the benchmark 40 workers posted a third as fast as 10.
    /// </summary>
    [Range(1, 200)]
    public int WorkerCount { get; set; } = 10;

    /// <summary>How often an idle worker looks for a job in the queue.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A running job is kept invisible by heartbeats; when its server dies, another runs it after this.</summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often scheduled jobs (retries) are moved to the queue.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Tries of a job that keeps failing for a transient reason (429, 5xx, timeouts) before its cases are marked
    /// failed. With Hangfire's default back-off, 20 tries span about a week.
    /// </summary>
    [Range(0, 100)]
    public int RetryAttempts { get; set; } = 20;

    /// <summary>Fixed delays between tries, instead of Hangfire's growing default (empty: the default).</summary>
    public IList<TimeSpan> RetryDelays { get; } = [];

    /// <summary>Items (cases and lab results) per upsert request; CommCare takes at most 100.</summary>
    [Range(1, 100)]
    public int MaxItemsPerRequest { get; set; } = 100;

    /// <summary>The longest transfer chain followed before giving up.</summary>
    [Range(1, 100)]
    public int MaxTransferHops { get; set; } = 10;

    public IEnumerable<string> Problems()
    {
        if (QueuePollInterval <= TimeSpan.Zero || SchedulePollingInterval <= TimeSpan.Zero || InvisibilityTimeout <= TimeSpan.Zero)
        {
            yield return "E4:QueuePollInterval, E4:SchedulePollingInterval and E4:InvisibilityTimeout must be positive";
        }

        if (RetryDelays.Any(d => d < TimeSpan.Zero))
        {
            yield return "E4:RetryDelays must not be negative";
        }
    }
}
