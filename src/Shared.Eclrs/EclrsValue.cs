using NodaTime;
using NodaTime.TimeZones;

namespace Viaduct.Shared.Eclrs;

/// <summary>
/// Parses ECLRS date values such as <c>20MAR2020:06:03:36.589000</c>. Rows carry several of these and files
/// hold hundreds of thousands of rows, so parsing is a hand-rolled span scan rather than culture-aware
/// ParseExact; it never throws because an unparseable optional value must not make a row bad.
/// </summary>
public static class EclrsValue
{
    private const int DateLength = 9; // ddMMMyyyy

    // NodaTime's embedded TZDB, so the result does not depend on the machine's tzdata.
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    // An ambiguous (fall-back) local time takes the later instant; a local time in the spring-forward gap is
    // moved forward by the length of the gap (02:30 becomes 03:30 EDT).
    private static readonly ZoneLocalMappingResolver LaterOrShiftedForward =
        Resolvers.CreateMappingResolver(Resolvers.ReturnLater, Resolvers.ReturnForwardShifted);

    /// <summary>
    /// The instant of an America/New_York local timestamp as a UTC <see cref="DateTime"/>
    /// (<see cref="DateTimeKind.Utc"/>); null when blank or unparseable. Accepts <c>ddMMMyyyy</c>, optionally
    /// followed by <c>:HH:mm:ss</c> and a fraction of up to 9 digits (beyond 100 ns it is truncated).
    /// </summary>
    public static DateTime? ParseTimestampUtc(string? value) => value is null ? null : ParseTimestampUtc(value.AsSpan());

    /// <inheritdoc cref="ParseTimestampUtc(string?)"/>
    public static DateTime? ParseTimestampUtc(ReadOnlySpan<char> value)
    {
        value = value.Trim();
        if (!TryParseDate(value, out var year, out var month, out var day))
        {
            return null;
        }

        long ticksOfDay = 0;
        if (value.Length > DateLength && !TryParseTimeOfDay(value[DateLength..], out ticksOfDay))
        {
            return null;
        }

        var local = new LocalDate(year, month, day).At(LocalTime.FromTicksSinceMidnight(ticksOfDay));
        return NewYork.ResolveLocal(local, LaterOrShiftedForward).ToDateTimeUtc();
    }

    /// <summary>
    /// The date part of a value such as <c>01MAR1947:00:00:00.000000</c> (the time part is ignored, not
    /// converted: dates of birth are calendar dates); null when blank or unparseable.
    /// </summary>
    public static DateOnly? ParseDate(string? value) => value is null ? null : ParseDate(value.AsSpan());

    /// <inheritdoc cref="ParseDate(string?)"/>
    public static DateOnly? ParseDate(ReadOnlySpan<char> value)
    {
        value = value.Trim();
        if (!TryParseDate(value, out var year, out var month, out var day))
        {
            return null;
        }

        return value.Length == DateLength || value[DateLength] == ':' ? new DateOnly(year, month, day) : null;
    }

    private static bool TryParseDate(ReadOnlySpan<char> value, out int year, out int month, out int day)
    {
        year = month = day = 0;
        if (value.Length < DateLength
            || !TryDigits(value[..2], out day)
            || !TryDigits(value.Slice(5, 4), out year)
            || (month = MonthOf(value[2], value[3], value[4])) == 0)
        {
            return false;
        }

        // Years 1 and 9999 are excluded so the conversion to UTC can never leave DateTime's range.
        return year is > 1 and < 9999 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    // Parses ":HH:mm:ss" with an optional ".fffffff" into ticks since midnight.
    private static bool TryParseTimeOfDay(ReadOnlySpan<char> value, out long ticks)
    {
        ticks = 0;
        if (value.Length < 9 || value[0] != ':' || value[3] != ':' || value[6] != ':'
            || !TryDigits(value.Slice(1, 2), out var hour) || hour > 23
            || !TryDigits(value.Slice(4, 2), out var minute) || minute > 59
            || !TryDigits(value.Slice(7, 2), out var second) || second > 59)
        {
            return false;
        }

        ticks = (((hour * 60L) + minute) * 60 + second) * TimeSpan.TicksPerSecond;
        if (value.Length == 9)
        {
            return true;
        }

        var fraction = value[9..];
        if (fraction.Length < 2 || fraction.Length > 10 || fraction[0] != '.')
        {
            return false;
        }

        // Scale the digits to 100 ns ticks: pad to seven digits, drop those beyond.
        long fractionTicks = 0;
        for (var i = 1; i < 8; i++)
        {
            var digit = 0;
            if (i < fraction.Length)
            {
                digit = fraction[i] - '0';
                if ((uint)digit > 9)
                {
                    return false;
                }
            }

            fractionTicks = (fractionTicks * 10) + digit;
        }

        for (var i = 8; i < fraction.Length; i++)
        {
            if (!char.IsAsciiDigit(fraction[i]))
            {
                return false;
            }
        }

        ticks += fractionTicks;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int number)
    {
        number = 0;
        foreach (var c in digits)
        {
            var digit = c - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            number = (number * 10) + digit;
        }

        return true;
    }

    private static int MonthOf(char a, char b, char c)
    {
        if ((a | b | c) > 0x7F)
        {
            return 0;
        }

        // Fold ASCII letters to upper case; no other ASCII character folds onto a letter.
        var key = ((a & ~0x20) << 16) | ((b & ~0x20) << 8) | (c & ~0x20);
        return key switch
        {
            ('J' << 16) | ('A' << 8) | 'N' => 1,
            ('F' << 16) | ('E' << 8) | 'B' => 2,
            ('M' << 16) | ('A' << 8) | 'R' => 3,
            ('A' << 16) | ('P' << 8) | 'R' => 4,
            ('M' << 16) | ('A' << 8) | 'Y' => 5,
            ('J' << 16) | ('U' << 8) | 'N' => 6,
            ('J' << 16) | ('U' << 8) | 'L' => 7,
            ('A' << 16) | ('U' << 8) | 'G' => 8,
            ('S' << 16) | ('E' << 8) | 'P' => 9,
            ('O' << 16) | ('C' << 8) | 'T' => 10,
            ('N' << 16) | ('O' << 8) | 'V' => 11,
            ('D' << 16) | ('E' << 8) | 'C' => 12,
            _ => 0,
        };
    }
}
