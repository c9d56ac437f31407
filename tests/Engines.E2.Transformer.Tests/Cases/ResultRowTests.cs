using Viaduct.Engines.E2.Transformer.Cases;
using Viaduct.Shared.Eclrs;
using C = Viaduct.Shared.Eclrs.EclrsColumns;

namespace Viaduct.Engines.E2.Transformer.Tests.Cases;

public sealed class ResultRowTests
{
    [Theory]
    [InlineData(EclrsVersion.V1)]
    [InlineData(EclrsVersion.V2)]
    [InlineData(EclrsVersion.V3)]
    public void Parse_should_read_the_fields_of_a_stored_row_of_any_version(EclrsVersion version)
    {
        var row = ResultRow.Parse(SampleRows.Row(version, SampleRows.Typical), version);

        Assert.Equal("15200000000000", row.PatientKey);
        Assert.Equal("Testuser", row.LastName);
        Assert.Equal("Mary Ann", row.FirstName);
        Assert.Equal(new DateOnly(1947, 3, 1), row.DateOfBirth);
        Assert.Equal("36001", row.CountyCode);
        Assert.Equal("ACME | LABORATORIES INC", row.SendingFacilityName);
        Assert.Equal("102695116", row.AccessionNumber);
        Assert.Equal("POSITIVE", row.ResultPositive);
        Assert.Equal(new Viaduct.Engines.E2.Transformer.Matching.ResultIdentity("15200000000000", new DateOnly(1947, 3, 1), "Testuser", "Mary Ann"), row.Identity);
    }

    [Fact]
    public void Parse_should_leave_an_unparseable_date_of_birth_empty()
    {
        var row = ResultRow.Parse(SampleRows.Row(EclrsVersion.V1, [(C.DateOfBirth, "31FEB1947"), (C.LastName, "Doe"), (C.CountyCode, "36001")]), EclrsVersion.V1);

        Assert.Null(row.DateOfBirth);
        Assert.Equal("Doe", row.LastName);
    }

    [Theory]
    [InlineData("a|b|c", "fields")]
    [InlineData("", "empty")]
    public void Parse_should_refuse_text_that_is_not_one_good_row(string raw, string reason)
    {
        var error = Assert.Throws<FormatException>(() => ResultRow.Parse(raw, EclrsVersion.V1));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_should_refuse_two_rows()
    {
        var raw = SampleRows.Row(EclrsVersion.V1, SampleRows.Typical);

        Assert.Throws<FormatException>(() => ResultRow.Parse(raw + "\n" + raw, EclrsVersion.V1));
    }

    [Fact]
    public void From_should_read_the_row_a_reader_is_on()
    {
        var raw = SampleRows.Row(EclrsVersion.V2, [(C.PatientKey, "K1"), (C.CountyCode, "36001")]) + "\n" + SampleRows.Row(EclrsVersion.V2, [(C.PatientKey, "K2"), (C.CountyCode, "36005")]);
        using var text = new StringReader(raw);
        using var reader = EclrsReader.OpenRows(text, EclrsVersion.V2);

        Assert.True(reader.Read());
        Assert.True(reader.Read());
        var row = ResultRow.From(reader);

        Assert.Equal("K2", row.PatientKey);
        Assert.Equal("36005", row.CountyCode);
    }
}
