namespace Viaduct.Shared.Data.Model;

/// <summary>One received object (<c>files</c>): where it came from, what it held, what became of it.</summary>
public sealed class ImportedFile
{
    public long Id { get; set; }
    public required string Bucket { get; set; }
    public required string ObjectKey { get; set; }
    public required string ETag { get; set; }
    public string? VersionId { get; set; }
    public long? SizeBytes { get; set; }

    /// <summary>SHA-256 of the whole object, known once it has been read.</summary>
    public byte[]? ContentSha256 { get; set; }

    public short? EclrsVersion { get; set; }
    public string State { get; set; } = FileState.Received;
    public long? DuplicateOfFileId { get; set; }

    public int RowCount { get; set; }
    public int NewCount { get; set; }
    public int DuplicateCount { get; set; }
    public int BadCount { get; set; }

    /// <summary>Per county code: <c>{"36001": {"rows": 3, "new": 2, "duplicate": 1, "bad": 0}}</c>.</summary>
    public string? CountyStats { get; set; }

    public int Attempts { get; set; }
    public string? ClaimedBy { get; set; }
    public string? Error { get; set; }

    public DateTime ReceivedAt { get; set; }
    public DateTime? ProcessingAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public DateTime? FailedAt { get; set; }
    /// <summary>Set by <c>viaduct replay-file</c>: E1 imports the file again, whatever its state was; cleared when it does.</summary>
    public DateTime? ReplayRequestedAt { get; set; }
}
