namespace Viaduct.Engines.E1.Extractor.Import;

public enum ImportStatus
{
    /// <summary>Rows committed now.</summary>
    Processed,

    /// <summary>Same content as an earlier processed file; recorded, no rows added.</summary>
    Duplicate,

    /// <summary>The file itself is unusable (bad header); retrying will not help.</summary>
    Failed,

    /// <summary>Another replica holds the file right now.</summary>
    Busy,

    /// <summary>Finished earlier (processed or duplicate); nothing to do.</summary>
    AlreadyDone,
}

/// <summary>What one import attempt did. Counts are zero unless <see cref="Status"/> is Processed.</summary>
public sealed record ImportOutcome(long FileId, ImportStatus Status, FileStatistics? Statistics = null, string? Reason = null)
{
    /// <summary>True when the message that named the file can be deleted.</summary>
    public bool IsFinal => Status is not ImportStatus.Busy;
}

public sealed record FileStatistics(int Rows, int New, int Duplicate, int Bad, IReadOnlyDictionary<string, CountyStatistics> Counties);

public sealed record CountyStatistics(int Rows, int New, int Duplicate, int Bad);
