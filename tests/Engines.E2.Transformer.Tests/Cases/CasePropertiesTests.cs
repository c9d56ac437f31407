using Viaduct.Engines.E2.Transformer.Cases;
using Viaduct.Engines.E2.Transformer.Counties;
using Viaduct.Shared.Eclrs;
using C = Viaduct.Shared.Eclrs.EclrsColumns;

namespace Viaduct.Engines.E2.Transformer.Tests.Cases;

public sealed class CasePropertiesTests
{
    private static readonly County Albany = new("36001", "Albany", "test-albany", "loc-albany", Participating: true, Statewide: false);
    private static readonly County Statewide = new("36000", "Statewide", "test-state", "loc-state", Participating: true, Statewide: true);

    private static readonly ResultRow Sample = ResultRow.Parse(SampleRows.Row(EclrsVersion.V3, SampleRows.Typical), EclrsVersion.V3);

    [Fact]
    public void Patient_properties_of_a_sample_row_should_be_exactly_the_designed_ones()
    {
        var properties = PatientCaseProperties.From(Sample, Albany);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["first_name"] = "Mary Ann",
                ["last_name"] = "Testuser",
                ["full_name"] = "Mary Ann Testuser",
                ["dob"] = "1947-03-01",
                ["gender"] = "female",
                ["address_street"] = "123 MAIN St Apt 4",
                ["address_city"] = "Albany",
                ["address_zip"] = "12207",
                ["address_county"] = "Albany",
                ["contact_phone_number"] = "5551234567",
                ["fips"] = "36001",
                ["county_commcare_domain"] = "test-albany",
                ["county_display"] = "Albany",
                ["new_lab_result_received"] = "yes",
            }.OrderBy(p => p.Key, StringComparer.Ordinal),
            properties.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(PatientCaseProperties.Names.Order(StringComparer.Ordinal), properties.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Lab_result_properties_of_a_sample_row_should_be_exactly_the_designed_ones()
    {
        var properties = LabResultProperties.From(Sample);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["accession_number"] = "102695116",
                ["lab_result"] = "positive",
                ["laboratory"] = "ACME | LABORATORIES INC",
                ["test_type"] = "2019-nCoV RNA XXX NAA+probe-Imp",
                ["eclrs_loinc"] = "94309-2",
                ["specimen_collection_date"] = "2020-03-18",
                ["specimen_source"] = "NASOPHARYNX",
                ["analysis_date"] = "2020-03-19",
                ["ordering_facility_name"] = "NEW YORK STATE",
                ["ordering_provider_name"] = "Sally Testuser",
            }.OrderBy(p => p.Key, StringComparer.Ordinal),
            properties.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(LabResultProperties.Names.Order(StringComparer.Ordinal), properties.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Properties_of_a_nearly_empty_row_should_keep_every_name_with_empty_values()
    {
        var row = ResultRow.Parse(SampleRows.Row(EclrsVersion.V1, [(C.CountyCode, "1111")]), EclrsVersion.V1);

        var patient = PatientCaseProperties.From(row, Statewide);
        var lab = LabResultProperties.From(row);

        Assert.Equal(PatientCaseProperties.Names.Count, patient.Count);
        Assert.Equal(LabResultProperties.Names.Count, lab.Count);
        Assert.Equal("", patient["full_name"]);
        Assert.Equal("", patient["dob"]);
        Assert.Equal("", patient["gender"]);
        Assert.Equal("Statewide", patient["county_display"]);
        Assert.Equal("36000", patient["fips"]);
        Assert.Equal("test-state", patient["county_commcare_domain"]);
        Assert.Equal("unknown", lab["lab_result"]);
        Assert.Equal("", lab["specimen_collection_date"]);
        Assert.Equal("", lab["ordering_provider_name"]);
    }

    [Theory]
    [InlineData("", "Apt 4", "Apt 4")]
    [InlineData(" 1 Main St ", "", "1 Main St")]
    [InlineData("", "", "")]
    public void Address_street_should_join_the_address_lines_that_have_text(string line1, string line2, string street)
    {
        var row = Sample with { AddressLine1 = line1, AddressLine2 = line2 };

        Assert.Equal(street, PatientCaseProperties.From(row, Albany)["address_street"]);
    }

    [Fact]
    public void Laboratory_should_prefer_the_producer_lab_over_the_sending_facility()
    {
        var row = Sample with { ProducerLabName = " Wadsworth " };

        Assert.Equal("Wadsworth", LabResultProperties.From(row)["laboratory"]);
    }

    [Theory]
    [InlineData("M", "male")]
    [InlineData("m", "male")]
    [InlineData("F", "female")]
    [InlineData(" f ", "female")]
    [InlineData("U", "other")]
    [InlineData("X", "other")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Gender_should_be_male_female_or_other_and_empty_when_unknown(string? sexCode, string gender)
    {
        Assert.Equal(gender, PatientCaseProperties.GenderOf(sexCode));
    }

    [Theory]
    [InlineData("POSITIVE", "Positive for 2019-nCoV", "positive")]
    [InlineData("NEGATIVE", "", "negative")]
    [InlineData("negative", "Detected", "negative")]
    [InlineData("Y", "", "positive")]
    [InlineData("N", "", "negative")]
    [InlineData("", "Positive (qualifier value)", "positive")]
    [InlineData("", "DETECTED", "positive")]
    [InlineData("", "SARS-CoV-2 RNA Not Detected", "negative")]
    [InlineData("", "Undetected", "negative")]
    [InlineData("", "Negative", "negative")]
    [InlineData("", "Non-Reactive", "negative")]
    [InlineData("", "Reactive", "positive")]
    [InlineData("", "Inconclusive", "inconclusive")]
    [InlineData("", "Indeterminate result", "inconclusive")]
    [InlineData("", "Equivocal", "inconclusive")]
    [InlineData("", "Invalid specimen", "invalid")]
    [InlineData("", "Unknown", "unknown")]
    [InlineData("", "Specimen rejected", "other")]
    [InlineData("", "", "unknown")]
    [InlineData("UNKNOWN", "  ", "unknown")]
    public void Lab_result_should_come_from_result_positive_then_the_result_text(string resultPositive, string resultText, string labResult)
    {
        Assert.Equal(labResult, LabResultProperties.Classify(resultPositive, resultText, resultTextShort: ""));
    }

    [Fact]
    public void Lab_result_should_fall_back_to_the_short_result_text()
    {
        Assert.Equal("negative", LabResultProperties.Classify("", " ", "Not detected"));
    }

    [Fact]
    public void Specimen_collection_date_should_be_the_new_york_calendar_date()
    {
        // 23:30 in New York on 18 March is 03:30 UTC on 19 March; the property is the local date.
        var row = Sample with { CollectionDate = "18MAR2020:23:30:00.000000", AnalysisDate = "not a date" };

        var lab = LabResultProperties.From(row);

        Assert.Equal("2020-03-18", lab["specimen_collection_date"]);
        Assert.Equal("", lab["analysis_date"]);
    }

    [Theory]
    [InlineData(42L, "K1", "A1", "P42#K1#A1")]
    [InlineData(7L, " K1 ", " A-9 ", "P7#K1#A-9")]
    [InlineData(7L, null, "", "P7##")]
    public void Lab_result_external_id_should_be_person_patient_key_and_accession(long personId, string? key, string? accession, string externalId)
    {
        Assert.Equal(externalId, CaseExternalIds.LabResult(personId, key, accession));
    }

    [Theory]
    [InlineData(42L, "P42")]
    [InlineData(1234567890123L, "P1234567890123")]
    public void Patient_external_id_should_be_P_and_the_person_id(long personId, string externalId)
    {
        Assert.Equal(externalId, CaseExternalIds.Patient(personId));
    }
}
