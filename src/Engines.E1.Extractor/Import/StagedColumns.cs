using C = Viaduct.Engines.E1.Extractor.Eclrs.EclrsColumns;

namespace Viaduct.Engines.E1.Extractor.Import;

internal enum StagedKind
{
    Text,
    Timestamp,
    Date,
}

/// <summary>A typed test_results column and the ECLRS field it comes from.</summary>
internal sealed record StagedColumn(string Name, int Field, StagedKind Kind);

/// <summary>
/// The one list that the staging table, the COPY and the insert into test_results are all built from,
/// so the three can never disagree about column order.
/// </summary>
internal static class StagedColumns
{
    public static readonly IReadOnlyList<StagedColumn> Fields =
    [
        new("patient_key", C.PatientKey, StagedKind.Text),
        new("last_name", C.LastName, StagedKind.Text),
        new("middle_name", C.MiddleName, StagedKind.Text),
        new("first_name", C.FirstName, StagedKind.Text),
        new("date_of_birth", C.DateOfBirth, StagedKind.Date),
        new("sex", C.SexCode, StagedKind.Text),
        new("address_line1", C.AddressLine1, StagedKind.Text),
        new("address_line2", C.AddressLine2, StagedKind.Text),
        new("city", C.City, StagedKind.Text),
        new("zip_code", C.ZipCode, StagedKind.Text),
        new("home_phone", C.HomePhone, StagedKind.Text),
        new("lab_pfi", C.LabPfi, StagedKind.Text),
        new("sending_facility_clia", C.SendingFacilityClia, StagedKind.Text),
        new("sending_facility_name", C.SendingFacilityName, StagedKind.Text),
        new("facility_name", C.FacilityName, StagedKind.Text),
        new("provider_first_name", C.ProviderFirstName, StagedKind.Text),
        new("provider_last_name", C.ProviderLastName, StagedKind.Text),
        new("accession_number", C.AccessionNumber, StagedKind.Text),
        new("local_test_code", C.LocalTestCode, StagedKind.Text),
        new("local_test_desc", C.LocalTestDesc, StagedKind.Text),
        new("loinc_code", C.LoincCode, StagedKind.Text),
        new("loinc_desc", C.LoincDesc, StagedKind.Text),
        new("result_text", C.ResultText, StagedKind.Text),
        new("result_text_short", C.ResultTextShort, StagedKind.Text),
        new("result_status_code", C.ResultStatusCode, StagedKind.Text),
        new("result_positive", C.ResultPositive, StagedKind.Text),
        new("producer_lab_name", C.ProducerLabName, StagedKind.Text),
        new("specimen_source", C.SpecimenSourceName, StagedKind.Text),
        new("message_master_key", C.MessageMasterKey, StagedKind.Text),
        new("collected_at", C.CollectionDate, StagedKind.Timestamp),
        new("lab_created_at", C.CreateDate, StagedKind.Timestamp),
        new("observed_at", C.ObservationDate, StagedKind.Timestamp),
        new("analyzed_at", C.AnalysisDate, StagedKind.Timestamp),
        new("patient_updated_at", C.PatientUpdateDate, StagedKind.Timestamp),
    ];

    /// <summary><c>patient_key, last_name, ...</c> in list order.</summary>
    public static readonly string NameList = string.Join(", ", Fields.Select(f => f.Name));

    /// <summary>Column definitions for the staging table, in list order.</summary>
    public static readonly string Definitions = string.Join(", ", Fields.Select(f => f.Name + " " + f.Kind switch
    {
        StagedKind.Timestamp => "timestamptz",
        StagedKind.Date => "date",
        _ => "text",
    }));

    public static string Prefixed(string alias) => string.Join(", ", Fields.Select(f => alias + "." + f.Name));
}
