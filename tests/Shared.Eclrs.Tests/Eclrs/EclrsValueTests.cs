using Viaduct.Shared.Eclrs;

namespace Viaduct.Shared.Eclrs.Tests;

public sealed class EclrsValueTests
{
    [Theory]
    [InlineData("20JAN2020:06:03:36.589000", "2020-01-20T11:03:36.5890000Z")] // EST, UTC-5
    [InlineData("20MAR2020:06:03:36.589000", "2020-03-20T10:03:36.5890000Z")] // EDT, UTC-4
    [InlineData("01NOV2020:00:59:59.000000", "2020-11-01T04:59:59.0000000Z")] // still EDT
    [InlineData("01NOV2020:01:30:00.000000", "2020-11-01T06:30:00.0000000Z")] // ambiguous: the later (EST) instant
    [InlineData("01NOV2020:02:00:00.000000", "2020-11-01T07:00:00.0000000Z")] // EST
    [InlineData("08MAR2020:01:59:59.000000", "2020-03-08T06:59:59.0000000Z")] // still EST
    [InlineData("08MAR2020:02:30:00.000000", "2020-03-08T07:30:00.0000000Z")] // in the gap: shifted forward to 03:30 EDT
    [InlineData("08MAR2020:03:00:00.000000", "2020-03-08T07:00:00.0000000Z")] // EDT
    [InlineData("31DEC2020:23:59:59.999999", "2021-01-01T04:59:59.9999990Z")]
    [InlineData("29FEB2020:12:00:00.1234567", "2020-02-29T17:00:00.1234567Z")]
    [InlineData("29FEB2020:12:00:00.123456789", "2020-02-29T17:00:00.1234567Z")]
    [InlineData("29FEB2020:12:00:00.5", "2020-02-29T17:00:00.5000000Z")]
    [InlineData("29FEB2020:12:00:00", "2020-02-29T17:00:00.0000000Z")]
    [InlineData("20MAR2020", "2020-03-20T04:00:00.0000000Z")]
    [InlineData("20mar2020:06:03:36.589000", "2020-03-20T10:03:36.5890000Z")]
    [InlineData(" 20MAR2020:06:03:36.589000 ", "2020-03-20T10:03:36.5890000Z")]
    public void ParseTimestampUtc_ShouldConvertNewYorkLocalTime_ToUtc(string value, string expected)
    {
        var parsed = EclrsValue.ParseTimestampUtc(value);

        Assert.NotNull(parsed);
        Assert.Equal(DateTimeKind.Utc, parsed.Value.Kind);
        Assert.Equal(expected, parsed.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(parsed, EclrsValue.ParseTimestampUtc(value.AsSpan()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("garbage")]
    [InlineData("2020-03-20T06:03:36")]
    [InlineData("20XYZ2020:06:03:36.589000")]
    [InlineData("32JAN2020:06:03:36.589000")]
    [InlineData("00JAN2020:06:03:36.589000")]
    [InlineData("29FEB2021:06:03:36.589000")]
    [InlineData("20MAR2020:24:00:00.000000")]
    [InlineData("20MAR2020:06:60:00.000000")]
    [InlineData("20MAR2020:06:03:60.000000")]
    [InlineData("20MAR2020 06:03:36.589000")]
    [InlineData("20MAR2020:06:03:36.")]
    [InlineData("20MAR2020:06:03:36.58x000")]
    [InlineData("20MAR2020:06:03:36,589000")]
    [InlineData("20MAR2020:6:03:36.589000")]
    [InlineData("2MAR2020:06:03:36.589000")]
    [InlineData("20MAR0001:06:03:36.589000")]
    [InlineData("31DEC9999:23:00:00.000000")]
    [InlineData("20M\u0100R2020:06:03:36.589000")]
    public void ParseTimestampUtc_ShouldReturnNull_ForBlankOrUnparseableValues(string? value)
    {
        Assert.Null(EclrsValue.ParseTimestampUtc(value));
    }

    [Theory]
    [InlineData("01MAR1947:00:00:00.000000", 1947, 3, 1)]
    [InlineData("31DEC1999:23:59:59.000000", 1999, 12, 31)] // the date as written, never shifted by a time zone
    [InlineData("29FEB2000", 2000, 2, 29)]
    [InlineData("01jan1970:00:00:00.000000", 1970, 1, 1)]
    public void ParseDate_ShouldTakeTheDatePartOnly(string value, int year, int month, int day)
    {
        Assert.Equal(new DateOnly(year, month, day), EclrsValue.ParseDate(value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("unknown")]
    [InlineData("29FEB1900:00:00:00.000000")]
    [InlineData("01MAR1947X00:00:00.000000")]
    [InlineData("1947-03-01")]
    public void ParseDate_ShouldReturnNull_ForBlankOrUnparseableValues(string? value)
    {
        Assert.Null(EclrsValue.ParseDate(value));
    }
}
