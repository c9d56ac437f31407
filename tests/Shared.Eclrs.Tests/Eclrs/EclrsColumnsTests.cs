using Viaduct.Shared.Eclrs;
using static Viaduct.Shared.Eclrs.Tests.EclrsSamples;
using C = Viaduct.Shared.Eclrs.EclrsColumns;

namespace Viaduct.Shared.Eclrs.Tests;

public sealed class EclrsColumnsTests
{
    [Theory]
    [InlineData("new_records.txt", EclrsVersion.V1, 45)]
    [InlineData("v2_new_records.txt", EclrsVersion.V2, 56)]
    [InlineData("v3_new_records.txt", EclrsVersion.V3, 65)]
    public void For_ShouldListTheHeaderOfTheFixture_InFileOrder(string fixture, EclrsVersion version, int count)
    {
        var header = System.IO.File.ReadLines(FixturePath(fixture)).First();

        Assert.Equal(header.Split('|'), C.For(version));
        Assert.Equal(count, C.For(version).Count);
        Assert.Equal(version, C.Recognize(header));
    }

    [Fact]
    public void Canonical_ShouldBeTheV3Header_WithEachConstantAtItsColumn()
    {
        Assert.Equal(C.For(EclrsVersion.V3), C.Canonical);
        Assert.Equal(C.CanonicalCount, C.Canonical.Count);
        Assert.Equal("PIDLASTNAME", C.Canonical[C.LastName]);
        Assert.Equal("PIDMIDDLENAME", C.Canonical[C.MiddleName]);
        Assert.Equal("PIDDATEOFBIRTH", C.Canonical[C.DateOfBirth]);
        Assert.Equal("PIDCOUNTYCODE", C.Canonical[C.CountyCode]);
        Assert.Equal("PIDHOMEPHONE", C.Canonical[C.HomePhone]);
        Assert.Equal("MSHLABPFI", C.Canonical[C.LabPfi]);
        Assert.Equal("PIDPATIENTKEY", C.Canonical[C.PatientKey]);
        Assert.Equal("OBRPROVIDERID", C.Canonical[C.ProviderId]);
        Assert.Equal("OBRCOLLECTIONDATE", C.Canonical[C.CollectionDate]);
        Assert.Equal("OBXOBSERVATIONRESULTTEXT", C.Canonical[C.ResultText]);
        Assert.Equal("OBXRESULTSTATUSCODE", C.Canonical[C.ResultStatusCode]);
        Assert.Equal("OBRACCESSIONNUM", C.Canonical[C.AccessionNumber]);
        Assert.Equal("PIDUPDATEDATE", C.Canonical[C.PatientUpdateDate]);
        Assert.Equal("PIDEMPLOYERNAME", C.Canonical[C.EmployerName]);
        Assert.Equal("PIDSCHOOLPRESENT", C.Canonical[C.SchoolPresent]);
        Assert.Equal("PIDFIRSTTESTYN", C.Canonical[C.FirstTestYn]);
        Assert.Equal("PIDAOEDATE", C.Canonical[C.AoeDate]);
        Assert.Equal("PIDCOVIDDATEOFONSET", C.Canonical[C.CovidDateOfOnset]);
        Assert.Equal("PIDPREGNANCYIND", C.Canonical[C.PregnancyInd]);
        Assert.Equal("RESULTPOSITIVE", C.Canonical[C.ResultPositive]);
    }

    [Fact]
    public void Constants_ShouldCoverEveryCanonicalColumnOnce()
    {
        var values = typeof(C).GetFields()
            .Where(f => f.IsLiteral && f.FieldType == typeof(int) && f.Name != nameof(C.CanonicalCount))
            .Select(f => (int)f.GetRawConstantValue()!)
            .Order();

        Assert.Equal(Enumerable.Range(0, C.CanonicalCount), values);
    }

    [Fact]
    public void Recognize_ShouldIgnoreAByteOrderMarkAndATrailingCarriageReturn_Only()
    {
        var header = Header(EclrsVersion.V2);

        Assert.Equal(EclrsVersion.V2, C.Recognize("\uFEFF" + header + "\r"));
        Assert.Null(C.Recognize(header + " "));
        Assert.Null(C.Recognize(header + "|"));
        Assert.Null(C.Recognize(header.ToLowerInvariant()));
        Assert.Null(C.Recognize(string.Empty));
        Assert.Null(C.Recognize(System.IO.File.ReadLines(FixturePath("bad_header.txt")).First()));
    }

    [Fact]
    public void For_ShouldThrow_ForAnUnknownVersion()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => C.For((EclrsVersion)4));
    }
}
