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

public sealed record FileStatistics(int Rows, int New, int Duplicate, int Bad, IReadOnlyDictionary<string, CountyStatistics> Counties)
{
    public static FileStatistics Of(IReadOnlyDictionary<string, CountyStatistics> counties)
    {
        ArgumentNullException.ThrowIfNull(counties);
        return new FileStatistics(
            counties.Values.Sum(c => c.Rows), counties.Values.Sum(c => c.New), counties.Values.Sum(c => c.Duplicate),
            counties.Values.Sum(c => c.Bad), counties);
    }

    /// <summary><c>{"36001": {"rows": 3, "new": 2, "duplicate": 1, "bad": 0}}</c>, as files.county_stats holds it.</summary>
    public string CountiesJson() => System.Text.Json.JsonSerializer.Serialize(Counties.ToDictionary(
        c => c.Key,
        c => new Dictionary<string, int> { ["rows"] = c.Value.Rows, ["new"] = c.Value.New, ["duplicate"] = c.Value.Duplicate, ["bad"] = c.Value.Bad }));
}

public sealed record CountyStatistics(int Rows, int New, int Duplicate, int Bad);
