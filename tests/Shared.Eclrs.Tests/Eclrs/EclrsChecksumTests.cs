using System.Security.Cryptography;
using System.Text;
using Viaduct.Shared.Eclrs;
using static Viaduct.Shared.Eclrs.Tests.EclrsSamples;
using C = Viaduct.Shared.Eclrs.EclrsColumns;

namespace Viaduct.Shared.Eclrs.Tests;

public sealed class EclrsChecksumTests
{
    private static readonly (int, string)[] Values =
    [
        (C.LastName, "DOE"), (C.FirstName, "JANE"), (C.DateOfBirth, "01MAR1947:00:00:00.000000"),
        (C.AccessionNumber, "IDR2000016257-01"), (C.PatientUpdateDate, "14MAY2020:13:43:16.000000"),
    ];

    [Fact]
    public void WriteChecksum_ShouldBeEqual_ForAV1RowAndTheSameRowPaddedInV2AndV3()
    {
        var v1 = ChecksumOf(EclrsVersion.V1, Row(EclrsVersion.V1, Values));
        var v2 = ChecksumOf(EclrsVersion.V2, Row(EclrsVersion.V2, Values));
        var v3 = ChecksumOf(EclrsVersion.V3, Row(EclrsVersion.V3, Values));

        Assert.Equal(v1, v2);
        Assert.Equal(v1, v3);
    }

    [Fact]
    public void WriteChecksum_ShouldDiffer_WhenANewerColumnHasAValue()
    {
        var v1 = ChecksumOf(EclrsVersion.V1, Row(EclrsVersion.V1, Values));
        var v3 = ChecksumOf(EclrsVersion.V3, Row(EclrsVersion.V3, [.. Values, (C.PregnancyInd, "N")]));

        Assert.NotEqual(v1, v3);
    }

    [Theory]
    [InlineData(C.LastName, "DOF")]
    [InlineData(C.LastName, "doe")]
    [InlineData(C.LastName, "DOE ")]
    [InlineData(C.MiddleName, " ")]
    [InlineData(C.ResultPositive, "POSITIVe")]
    public void WriteChecksum_ShouldDiffer_WhenOneCharacterChanges(int column, string value)
    {
        var original = ChecksumOf(EclrsVersion.V3, Row(EclrsVersion.V3, Values));
        var changed = ChecksumOf(EclrsVersion.V3, Row(EclrsVersion.V3, [.. Values, (column, value)]));

        Assert.NotEqual(original, changed);
    }

    [Fact]
    public void WriteChecksum_ShouldDiffer_WhenTextMovesAcrossAFieldBoundary()
    {
        var left = ChecksumOf(EclrsVersion.V1, Row(EclrsVersion.V1, (C.AddressLine1, "\"1 MAIN|ST\""), (C.AddressLine2, "APT 2")));
        var right = ChecksumOf(EclrsVersion.V1, Row(EclrsVersion.V1, (C.AddressLine1, "1 MAIN"), (C.AddressLine2, "\"ST|APT 2\"")));
        var shifted = ChecksumOf(EclrsVersion.V1, Row(EclrsVersion.V1, (C.AddressLine1, "1 MAINST"), (C.AddressLine2, "APT 2")));

        Assert.NotEqual(left, right);
        Assert.NotEqual(left, shifted);
    }

    [Fact]
    public void WriteChecksum_ShouldCompareUnquotedValues_SoQuotingAloneChangesNothing()
    {
        var plain = ChecksumOf(EclrsVersion.V1, Row(EclrsVersion.V1, (C.LastName, "DOE")));
        var quoted = ChecksumOf(EclrsVersion.V1, Row(EclrsVersion.V1, (C.LastName, "\"DOE\"")));

        Assert.Equal(plain, quoted);
    }

    [Theory]
    [InlineData(EclrsVersion.V1, "DOE", "DOE")]
    [InlineData(EclrsVersion.V3, "DOE", "DOE")]
    [InlineData(EclrsVersion.V2, "\"SAY \"\"HI\"\"\"", "SAY \"HI\"")]
    [InlineData(EclrsVersion.V1, "BACK\\SLASH", "BACK\\SLASH")]
    [InlineData(EclrsVersion.V3, "\"PIPE|AND\\\"", "PIPE|AND\\")]
    [InlineData(EclrsVersion.V2, "MONTRÉAL 東京 😀", "MONTRÉAL 東京 😀")]
    public void WriteChecksum_ShouldHashTheDocumentedCanonicalForm(EclrsVersion version, string lastNameField, string lastName)
    {
        // Stored checksums are the dedup memory: a change to the canonical form would make every row new.
        var row = Row(version, (C.LastName, lastNameField), (C.City, "ALBANY"));
        var values = new string[C.CanonicalCount];
        Array.Fill(values, string.Empty);
        values[C.LastName] = lastName;
        values[C.City] = "ALBANY";
        values[C.CountyCode] = "1111";
        values[C.ResultPositive] = "POSITIVE";
        var canonical = string.Join('|', values.Select(v => v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)));

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)), ChecksumOf(version, row));
    }

    [Fact]
    public void WriteChecksum_ShouldDiffer_WhenABackslashCouldImitateASeparator()
    {
        var escapedLooking = ChecksumOf(EclrsVersion.V1, Row(EclrsVersion.V1, (C.AddressLine1, "\"A\\|B\""), (C.AddressLine2, "C")));
        var split = ChecksumOf(EclrsVersion.V1, Row(EclrsVersion.V1, (C.AddressLine1, "A\\"), (C.AddressLine2, "\"B|C\"")));

        // Joined without escaping, both would read A\|B|C.
        Assert.NotEqual(escapedLooking, split);
    }

    [Fact]
    public void WriteChecksum_ShouldRejectADestinationShorterThan32Bytes()
    {
        using var reader = Open(File(EclrsVersion.V1, Row(EclrsVersion.V1)));
        Assert.True(reader.Read());

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.WriteChecksum(new byte[31]));
    }

    private static byte[] ChecksumOf(EclrsVersion version, string row)
    {
        using var reader = Open(File(version, row));
        Assert.True(reader.Read());
        Assert.Null(reader.Error);
        return Checksum(reader);
    }
}
