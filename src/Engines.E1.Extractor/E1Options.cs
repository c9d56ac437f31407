using System.ComponentModel.DataAnnotations;

namespace Viaduct.Engines.E1.Extractor;

/// <summary>E1's settings (section <c>E1</c>; environment <c>E1__Bucket</c> and so on).</summary>
public sealed class E1Options
{
    public const string Section = "E1";

    /// <summary>The bucket whose inbox E1 imports from.</summary>
    [Required]
    public string Bucket { get; set; } = "";

    /// <summary>Only keys under this prefix are result files.</summary>
    public string InboxPrefix { get; set; } = "inbox/";

    /// <summary>Only keys ending so (case-insensitive) are result files; others are ignored.</summary>
    public string FileSuffix { get; set; } = ".txt";

    /// <summary>The SQS queue that receives the bucket's ObjectCreated events: a queue URL or a queue name.</summary>
    [Required]
    public string Queue { get; set; } = "";

    /// <summary>Run the SQS listener loop. Tests turn it off and drive <c>ReceiveOnceAsync</c> themselves.</summary>
    public bool ListenerEnabled { get; set; } = true;

    /// <summary>SQS long-poll wait, at most 20 s.</summary>
    public TimeSpan ReceiveWaitTime { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Messages taken per receive, 1 to 10.</summary>
    public int MaxMessages { get; set; } = 10;

    /// <summary>How long a received message stays hidden; renewed every <see cref="VisibilityHeartbeat"/> while its file is imported.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan VisibilityHeartbeat { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The queue's redrive maxReceiveCount. On the last receive a file that still fails is marked failed with
    /// the reason, and the message moves on to the dead-letter queue.
    /// </summary>
    public int MaxReceiveCount { get; set; } = 5;

    /// <summary>
    /// When a file's import failed, or another replica holds it, its message is shown again after this
    /// (instead of after the whole visibility timeout).
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Run the inbox sweep that imports objects whose notification was lost.</summary>
    public bool SweepEnabled { get; set; } = true;

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Objects and unfinished files younger than this are left to their own event.</summary>
    public TimeSpan SweepGracePeriod { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Run the compactor that folds sightings of re-sent rows into abouts' last-seen file and time.</summary>
    public bool CompactorEnabled { get; set; } = true;

    public TimeSpan CompactInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Files' sightings folded per compaction transaction.</summary>
    public int CompactBatchFiles { get; set; } = 20;

    /// <summary>
    /// After an import that added at least this many rows to abouts, E1 vacuums it so that the next export's lookups
    /// stay index-only (see <c>DedupMemoryVacuum</c>); 0 turns this off.
    /// </summary>
    public int VacuumAfterNewRows { get; set; } = 10_000;

    /// <summary>Run the worker that imports files again when an operator asks (<c>viaduct replay-file</c>).</summary>
    public bool ReplayEnabled { get; set; } = true;

    /// <summary>How often the replay worker looks for requests when no notification woke it.</summary>
    public TimeSpan ReplayPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest pause after repeated loop errors (the pause doubles from one second up to this).</summary>
    public TimeSpan MaxErrorBackoff { get; set; } = TimeSpan.FromMinutes(1);

    internal IEnumerable<string> Problems()
    {
        if (ReceiveWaitTime < TimeSpan.Zero || ReceiveWaitTime > TimeSpan.FromSeconds(20))
            yield return "E1:ReceiveWaitTime must be between 0 and 20 seconds";
        if (MaxMessages is < 1 or > 10)
            yield return "E1:MaxMessages must be between 1 and 10";
        if (VisibilityTimeout < TimeSpan.FromSeconds(5) || VisibilityTimeout > TimeSpan.FromHours(12))
            yield return "E1:VisibilityTimeout must be between 5 seconds and 12 hours";
        if (VisibilityHeartbeat <= TimeSpan.Zero || VisibilityHeartbeat >= VisibilityTimeout)
            yield return "E1:VisibilityHeartbeat must be positive and shorter than VisibilityTimeout";
        if (MaxReceiveCount < 1)
            yield return "E1:MaxReceiveCount must be at least 1";
        if (SweepInterval <= TimeSpan.Zero)
            yield return "E1:SweepInterval must be positive";
        if (SweepGracePeriod < TimeSpan.Zero)
            yield return "E1:SweepGracePeriod must not be negative";
        if (CompactInterval <= TimeSpan.Zero)
            yield return "E1:CompactInterval must be positive";
        if (VacuumAfterNewRows < 0)
            yield return "E1:VacuumAfterNewRows must not be negative (0 turns the vacuum off)";
        if (CompactBatchFiles < 1)
            yield return "E1:CompactBatchFiles must be at least 1";
        if (ReplayPollInterval < TimeSpan.FromMilliseconds(100) || ReplayPollInterval > TimeSpan.FromHours(1))
            yield return "E1:ReplayPollInterval must be between 00:00:00.1 and 01:00:00";
        if (MaxErrorBackoff < TimeSpan.FromSeconds(1))
            yield return "E1:MaxErrorBackoff must be at least one second";
        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromHours(12))
            yield return "E1:RetryDelay must be between 0 and 12 hours";
    }
}
