namespace Viaduct.Shared.Data.Model;

/// <summary>
/// One new row of a result file (<c>test_results</c>): the fields later engines use, typed, and the
/// original line in <see cref="RawData"/> so nothing the file said is lost.
/// </summary>
public sealed class TestResult
{
    public long Id { get; set; }
    public long FileId { get; set; }
    public int LineNumber { get; set; }
    public required byte[] Checksum { get; set; }
    public short EclrsVersion { get; set; }

    /// <summary>PIDCOUNTYCODE as the file gave it (all digits).</summary>
    public required string CountyCode { get; set; }

    public string? PatientKey { get; set; }
    public string? LastName { get; set; }
    public string? MiddleName { get; set; }
    public string? FirstName { get; set; }
    public DateOnly? DateOfBirth { get; set; }
    public string? Sex { get; set; }
    public string? AddressLine1 { get; set; }
    public string? AddressLine2 { get; set; }
    public string? City { get; set; }
    public string? ZipCode { get; set; }
    public string? HomePhone { get; set; }

    public string? LabPfi { get; set; }
    public string? SendingFacilityClia { get; set; }
    public string? SendingFacilityName { get; set; }
    public string? FacilityName { get; set; }
    public string? ProviderFirstName { get; set; }
    public string? ProviderLastName { get; set; }

    public string? AccessionNumber { get; set; }
    public string? LocalTestCode { get; set; }
    public string? LocalTestDesc { get; set; }
    public string? LoincCode { get; set; }
    public string? LoincDesc { get; set; }
    public string? ResultText { get; set; }
    public string? ResultTextShort { get; set; }
    public string? ResultStatusCode { get; set; }
    public string? ResultPositive { get; set; }
    public string? ProducerLabName { get; set; }
    public string? SpecimenSource { get; set; }
    public string? MessageMasterKey { get; set; }

    public DateTime? CollectedAt { get; set; }
    public DateTime? LabCreatedAt { get; set; }
    public DateTime? ObservedAt { get; set; }
    public DateTime? AnalyzedAt { get; set; }
    public DateTime? PatientUpdatedAt { get; set; }

    public required string RawData { get; set; }
    public DateTime CreatedAt { get; set; }
}
