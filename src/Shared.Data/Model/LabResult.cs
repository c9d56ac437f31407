namespace Viaduct.Shared.Data.Model;

/// <summary>One lab result per accession number under an index case (<c>lab_results</c>), with the lab_result case properties.</summary>
public sealed class LabResult
{
    public long Id { get; set; }
    public long IndexCaseId { get; set; }

    /// <summary>OBRACCESSIONNUM trimmed; empty when the results gave none.</summary>
    public required string AccessionNumber { get; set; }

    /// <summary>CommCare's <c>external_id</c>: <c>P&lt;person id&gt;#&lt;patient key&gt;#&lt;accession&gt;</c>.</summary>
    public required string ExternalId { get; set; }

    public string? CaseId { get; set; }

    /// <summary>The lab_result case properties (a JSON object of strings), filled add-if-missing.</summary>
    public required string Properties { get; set; }

    public int Version { get; set; }
    public DateTime ChangedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }

    /// <summary>The version E4 last posted successfully.</summary>
    public int PostedVersion { get; set; }
}
