namespace Viaduct.Shared.Data.Model;

/// <summary>One pull of one domain by one E5 host (<c>sync_runs</c>): when it started and ended, what it read and how it ended.</summary>
public sealed class SyncRun
{
    public long Id { get; set; }
    public required string Domain { get; set; }
    public required string Engine { get; set; }
    public required string Host { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    /// <summary><c>running</c>, <c>succeeded</c> or <c>failed</c>.</summary>
    public required string Outcome { get; set; }

    public int Pages { get; set; }
    public int Cases { get; set; }

    /// <summary>Local cases changed, created and marked transferred by the pull.</summary>
    public int Changed { get; set; }

    public string? Error { get; set; }
}
