namespace Viaduct.Shared.Data.Model;

/// <summary>
/// One new row of a result file (<c>test_results</c>): the original line in <see cref="RawData"/>, and typed
/// copies of the fields that later engines match, order and index on. Every other field is read from
/// <see cref="RawData"/> with the ECLRS reader (Shared.Eclrs), so a row is stored once, not twice.
/// </summary>
public sealed class TestResult
{
    public long Id { get; set; }
    public long FileId { get; set; }
    public int LineNumber { get; set; }
    public required byte[] Checksum { get; set; }

    /// <summary>The header version of the file the row came from: how to read <see cref="RawData"/>.</summary>
    public short EclrsVersion { get; set; }

    /// <summary>PIDCOUNTYCODE as the file gave it (all digits).</summary>
    public required string CountyCode { get; set; }

    public string? PatientKey { get; set; }
    public string? LastName { get; set; }
    public string? FirstName { get; set; }
    public DateOnly? DateOfBirth { get; set; }
    public string? AccessionNumber { get; set; }

    /// <summary>OBRCOLLECTIONDATE in UTC (the file gives New York local time).</summary>
    public DateTime? CollectedAt { get; set; }

    /// <summary>OBXANALYSISDATE in UTC.</summary>
    public DateTime? AnalyzedAt { get; set; }

    public required string RawData { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>When E2 claimed the result; null while it waits for E2 (its ready state).</summary>
    public DateTime? TransformedAt { get; set; }

    /// <summary>The E2 replica (engine@host) that claimed it.</summary>
    public string? TransformedBy { get; set; }
}
