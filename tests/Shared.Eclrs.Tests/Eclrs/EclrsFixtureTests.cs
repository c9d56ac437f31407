using Viaduct.Shared.Eclrs;
using static Viaduct.Shared.Eclrs.Tests.EclrsSamples;
using C = Viaduct.Shared.Eclrs.EclrsColumns;

namespace Viaduct.Shared.Eclrs.Tests;

public sealed class EclrsFixtureTests
{
    public static TheoryData<string, EclrsVersion, int> GoodFixtures => new()
    {
        { "duplicate_rows.txt", EclrsVersion.V1, 3 },
        { "new_records.txt", EclrsVersion.V1, 3 },
        { "new_records_scrubbed.txt", EclrsVersion.V1, 3 },
        { "partial_match_records.txt", EclrsVersion.V1, 2 },
        { "staging_new_records.txt", EclrsVersion.V1, 2 },
        { "v2_new_records.txt", EclrsVersion.V2, 3 },
        { "v2_new_records_added_info.txt", EclrsVersion.V2, 3 },
        { "v2_records_with_pipes.txt", EclrsVersion.V2, 1 },
        { "v2_records_with_quotes.txt", EclrsVersion.V2, 1 },
        { "v3_new_records.txt", EclrsVersion.V3, 3 },
        { "v3_new_records_added_info.txt", EclrsVersion.V3, 3 },
    };

    [Theory]
    [MemberData(nameof(GoodFixtures))]
    public void Read_ShouldGiveTheExpectedVersionAndGoodRows_ForEachFixture(string name, EclrsVersion version, int rows)
    {
        var lines = System.IO.File.ReadAllLines(FixturePath(name));
        using var reader = OpenFixture(name);

        Assert.Equal(version, reader.Version);
        var count = 0;
        while (reader.Read())
        {
            count++;
            Assert.Null(reader.Error);
            Assert.Equal(count + 1, reader.LineNumber);
            Assert.Equal(lines[count], reader.RawLine);
            Assert.Equal("POSITIVE", reader[C.ResultPositive]);
        }

        Assert.Equal(rows, count);
    }

    [Fact]
    public void Fixtures_ShouldEachBeCovered_ByTheGoodListOrTheBadHeaderTest()
    {
        var present = Directory.GetFiles(Path.GetDirectoryName(FixturePath("any"))!, "*.txt").Select(Path.GetFileName).Order();
        var covered = GoodFixtures.Select(row => (string)row[0]).Append("bad_header.txt").Order();

        Assert.Equal(covered, present);
    }

    [Fact]
    public void Open_ShouldThrow_ForBadHeader()
    {
        var error = Assert.Throws<EclrsFormatException>(() => OpenFixture("bad_header.txt"));

        Assert.Contains("column 1 is not a column name where v1 has \"PIDLASTNAME\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ACME", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LASTNAME||FIRSTNAME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ShouldSplitTheFieldsOfAV1Row_IntoTheirCanonicalPositions()
    {
        using var reader = OpenFixture("new_records.txt");

        Assert.True(reader.Read());
        Assert.Equal("LASTNAME", reader[C.LastName]);
        Assert.Equal(string.Empty, reader[C.MiddleName]);
        Assert.Equal("FIRSTNAME", reader[C.FirstName]);
        Assert.Equal("01MAR1947:00:00:00.000000", reader[C.DateOfBirth]);
        Assert.Equal("1111", reader[C.CountyCode]);
        Assert.Equal("(555) 123-4567", reader[C.HomePhone]);
        Assert.Equal("ACME LABORATORIES INC", reader[C.SendingFacilityName]);
        Assert.Equal("102695116", reader[C.AccessionNumber]);
        Assert.Equal("14MAY2020:13:43:16.000000", reader[C.PatientUpdateDate]);
        Assert.Equal(string.Empty, reader[C.EmployerName]);
        Assert.Equal(string.Empty, reader[C.PregnancyInd]);

        Assert.True(reader.Read());
        Assert.Equal("SMITH", reader[C.LastName]);
        Assert.Equal("9999", reader[C.CountyCode]);
        Assert.Equal("BOBBY, MD", reader[C.ProviderFirstName]);

        Assert.True(reader.Read());
        Assert.Equal("B", reader[C.MiddleName]);
        Assert.Equal("IDR2000016257-02", reader[C.AccessionNumber]);
        Assert.False(reader.Read());
    }

    [Fact]
    public void Read_ShouldReadOtherV1Fixtures_FieldByField()
    {
        using (var scrubbed = OpenFixture("new_records_scrubbed.txt"))
        {
            Assert.True(scrubbed.Read());
            Assert.Equal("EDJRGMYA", scrubbed[C.LastName]);
            Assert.Equal("03AUG2018:00:00:00.000000", scrubbed[C.DateOfBirth]);
        }

        using (var partial = OpenFixture("partial_match_records.txt"))
        {
            Assert.True(partial.Read());
            Assert.True(partial.Read());
            Assert.Equal("PERSON", partial[C.LastName]);
            Assert.Equal(string.Empty, partial[C.HomePhone]);
        }

        using var staging = OpenFixture("staging_new_records.txt");
        Assert.True(staging.Read());
        Assert.Equal("600", staging[C.CountyCode]);
        Assert.Equal("18JUL2020:00:00:00.000000", staging[C.CollectionDate]);
    }

    [Fact]
    public void Read_ShouldPlaceTheV2Columns_BeforeResultPositive()
    {
        using var reader = OpenFixture("v2_new_records.txt");

        Assert.True(reader.Read());
        Assert.Equal(string.Empty, reader[C.EmployerName]);
        Assert.True(reader.Read());
        Assert.Equal("Employer Name", reader[C.EmployerName]);
        Assert.Equal("Employee Job Title", reader[C.EmployeeJobTitle]);
        Assert.Equal("School Present", reader[C.SchoolPresent]);
        Assert.Equal(string.Empty, reader[C.FirstTestYn]);
        Assert.Equal("POSITIVE", reader[C.ResultPositive]);

        using var addedInfo = OpenFixture("v2_new_records_added_info.txt");
        Assert.True(addedInfo.Read());
        Assert.Equal("cool employer", addedInfo[C.EmployerName]);
        Assert.Equal(string.Empty, addedInfo[C.EmployerAddress]);
    }

    [Fact]
    public void Read_ShouldSplitAQuotedPipe_AsOneField()
    {
        using var reader = OpenFixture("v2_records_with_pipes.txt");

        Assert.True(reader.Read());
        Assert.Null(reader.Error);
        Assert.Equal("ACME LABORATORIES | INC", reader[C.SendingFacilityName]);
        Assert.Equal("15200000000000", reader[C.PatientKey]);
        Assert.Equal("NEW YORK STATE | GREAT LAB", reader[C.FacilityName]);
        Assert.Equal(string.Empty, reader[C.FacilityPhone]);
        Assert.Contains("\"ACME LABORATORIES | INC\"", reader.RawLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ShouldUndoDoubledQuotes_InsideAQuotedField()
    {
        using var reader = OpenFixture("v2_records_with_quotes.txt");

        Assert.True(reader.Read());
        Assert.Null(reader.Error);
        Assert.Equal("\"\"", reader[C.AddressLine2]);
        Assert.Equal(string.Empty, reader[C.City]);
        Assert.Equal("1111", reader[C.CountyCode]);
    }

    [Fact]
    public void Read_ShouldPlaceTheV3Columns_BeforeResultPositive()
    {
        using var reader = OpenFixture("v3_new_records.txt");

        Assert.True(reader.Read());
        Assert.True(reader.Read());
        Assert.Equal("School Present", reader[C.SchoolPresent]);
        Assert.Equal(string.Empty, reader[C.FirstTestYn]);
        Assert.True(reader.Read());
        Assert.Equal("A", reader[C.FirstTestYn]);
        Assert.Equal("20MAR2020:01:02:03.000000", reader[C.AoeDate]);
        Assert.Equal("B", reader[C.HealthEmployedYn]);
        Assert.Equal("21MAR2020:04:05:06.000000", reader[C.CovidDateOfOnset]);
        Assert.Equal("G", reader[C.PregnancyInd]);
        Assert.Equal("POSITIVE", reader[C.ResultPositive]);

        using var addedInfo = OpenFixture("v3_new_records_added_info.txt");
        Assert.True(addedInfo.Read());
        Assert.Equal("yes", addedInfo[C.FirstTestYn]);
        Assert.Equal(string.Empty, addedInfo[C.AoeDate]);
        Assert.Equal("no", addedInfo[C.HealthEmployedYn]);
        Assert.Equal("maybe so", addedInfo[C.CovidSymptomaticYn]);
    }

    [Fact]
    public void WriteChecksum_ShouldBeEqual_ForTheRepeatedRowsOfDuplicateRows()
    {
        using var reader = OpenFixture("duplicate_rows.txt");

        Assert.True(reader.Read());
        var first = Checksum(reader);
        Assert.True(reader.Read());
        var second = Checksum(reader);
        Assert.True(reader.Read());
        var third = Checksum(reader);

        Assert.NotEqual(first, second);
        Assert.Equal(second, third);
    }

    [Fact]
    public void WriteChecksum_ShouldBeEqual_ForFixtureRowsThatDifferOnlyByEmptyLaterColumns()
    {
        var v1 = Checksums("new_records.txt");
        var v2 = Checksums("v2_new_records.txt");
        var v3 = Checksums("v3_new_records.txt");

        // Row 1 has no v2/v3 values in any version; row 2 gains employer values in v2, kept in v3.
        Assert.Equal(v1[0], v2[0]);
        Assert.Equal(v1[0], v3[0]);
        Assert.NotEqual(v1[1], v2[1]);
        Assert.Equal(v2[1], v3[1]);
        Assert.Equal(v1[2], v2[2]);
        Assert.NotEqual(v2[2], v3[2]);
    }

    private static List<string> Checksums(string name)
    {
        using var reader = OpenFixture(name);
        var checksums = new List<string>();
        while (reader.Read())
        {
            checksums.Add(Convert.ToHexString(Checksum(reader)));
        }

        return checksums;
    }
}
