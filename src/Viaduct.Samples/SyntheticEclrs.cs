using System.Globalization;
using System.Text;
using Viaduct.Shared.Eclrs;

namespace Viaduct.Samples;

/// <summary>
/// Writes realistic but entirely fictitious ECLRS result files: pipe-delimited, CSV quoting, "\n" line ends, one
/// of the three known headers. Row <c>i</c> is a deterministic function of (seed, i), written straight to the
/// writer, so any number of rows takes constant memory and the same range of indexes always gives the same rows.
/// </summary>
/// <remarks>
/// Rows come in blocks of five that hold three people (about 0.6 people per row: one to three results each),
/// each person with patient keys, a name from small lists, date of birth, sex, address and a New York county
/// (FIPS 36001 to 36123, more rows in the populous ones; one person in a hundred has an all-digit code that
/// no county file lists, like 1111). Collection dates move forward by one day every
/// <see cref="RowsPerDay"/> rows. Now and then a field is quoted because it holds a pipe
/// (<c>"ACME LABORATORIES | INC"</c>) or a doubled quote.
/// </remarks>
public static class SyntheticEclrs
{
    /// <summary>Rows per collection day: a 14-day window is about 280,000 rows.</summary>
    public const int RowsPerDay = 20_000;

    // Longest possible row is about 1,500 characters; a fixed buffer keeps writing allocation-free.
    private const int MaxRowLength = 4096;

    private static readonly DateTime FirstCollectionDay = new(2020, 3, 1, 0, 0, 0, DateTimeKind.Unspecified);
    private static readonly DateTime EarliestBirth = new(1925, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
    private const int BirthDays = 90 * 365;

    /// <summary>Writes the header line and <see cref="SyntheticEclrsOptions.Rows"/> rows to <paramref name="writer"/>.</summary>
    public static void Write(TextWriter writer, SyntheticEclrsOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate(options);

        writer.Write(Header(options.Version));
        writer.Write('\n');
        var row = new RowBuilder();
        var end = options.FirstIndex + options.Rows;
        for (var index = options.FirstIndex; index < end; index++)
        {
            FormatRow(row.Reset(), options.Seed, index, options.Version, options.BadRowShare);
            row.Char('\n');
            writer.Write(row.Buffer, 0, row.Length);
        }
    }

    /// <summary>Writes a file (UTF-8 without byte order mark) at <paramref name="path"/>; returns its size in bytes.</summary>
    public static long WriteFile(string path, SyntheticEclrsOptions options)
    {
        Validate(options);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16, leaveOpen: true))
        {
            Write(writer, options);
        }

        return stream.Length;
    }

    /// <summary>
    /// The <see cref="SyntheticEclrsOptions.FirstIndex"/> of a file of <paramref name="rows"/> rows that repeats
    /// <paramref name="duplicateShare"/> of the rows of the file of the same seed and size that starts at 0: the
    /// window slides forward by <c>rows * (1 - share)</c> rows, which are new, and the rest were seen before.
    /// </summary>
    public static long FirstIndexForDuplicateShare(int rows, double duplicateShare)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (!(duplicateShare is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(duplicateShare), duplicateShare, "the duplicate share must be between 0 and 1");
        }

        return rows - (long)Math.Round(rows * duplicateShare, MidpointRounding.AwayFromZero);
    }

    /// <summary>The header line of <paramref name="version"/>, without its line end.</summary>
    public static string Header(EclrsVersion version) => string.Join('|', EclrsColumns.For(version));

    /// <summary>Row <paramref name="index"/> of seed <paramref name="seed"/>, without its line end.</summary>
    public static string Row(int seed, long index, EclrsVersion version = EclrsVersion.V3, double badRowShare = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var row = new RowBuilder();
        FormatRow(row, seed, index, version, badRowShare);
        return new string(row.Buffer, 0, row.Length);
    }

    private static void Validate(SyntheticEclrsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Rows < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Rows, "Rows must not be negative");
        }

        if (options.FirstIndex < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FirstIndex, "FirstIndex must not be negative");
        }

        if (!(options.BadRowShare is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BadRowShare, "BadRowShare must be between 0 and 1");
        }

        _ = EclrsColumns.For(options.Version);
    }

    private static void FormatRow(RowBuilder b, int seed, long index, EclrsVersion version, double badRowShare)
    {
        var row = new Draw(seed, index, Salt.Row);
        var block = index / 5;
        var pattern = Tables.BlockPatterns[new Draw(seed, block, Salt.Block).Below(Tables.BlockPatterns.Length)];
        var personId = block * 3 + pattern[(int)(index % 5)];
        var person = new Draw(seed, personId, Salt.Person);

        var bad = badRowShare > 0 && new Draw(seed, index, Salt.Bad).Chance(badRowShare);
        var badKind = bad ? new Draw(seed, index, Salt.BadKind).Below(4) : -1;

        // The person: everything drawn in a fixed order from the person's own stream.
        var lastName = person.Below(Tables.LastNames.Length);
        var firstName = person.Pick(Tables.FirstNames);
        var middle = person.Chance(0.4) ? Tables.Initials[person.Below(Tables.Initials.Length)] : "";
        var birthDay = person.Below(BirthDays);
        var sex = person.Below(100) switch { < 48 => "M", < 96 => "F", _ => "U" };
        var houseNumber = 1 + person.Below(9899);
        var street = person.Pick(Tables.Streets);
        var streetSuffix = person.Pick(Tables.StreetSuffixes);
        var apartment = person.Chance(0.35) ? 1 + person.Below(40) : 0;
        var apartmentLetter = (char)('A' + person.Below(6));
        var city = person.Pick(Tables.Cities);
        var zip = 10001 + person.Below(4900);
        var county = person.Chance(0.01) ? person.Pick(Tables.UnknownCountyCodes) : Tables.WeightedCounties[person.Below(Tables.WeightedCounties.Length)];
        var phone = person.Chance(0.75) ? person.Below(10_000_000) : -1;
        var phoneStyle = person.Below(2);
        var homeLab = person.Pick(Tables.LabPicks);
        var keyPrefix = 15 + (int)((uint)seed % 80);

        var lab = row.Chance(0.8) ? homeLab : row.Pick(Tables.LabPicks);
        var (labPfi, labClia, labName, producerLab) = Tables.Labs[lab];
        var facility = Tables.Facilities[row.Pick(Tables.FacilityPicks)];
        var test = Tables.Tests[row.Below(Tables.Tests.Length)];
        var outcome = row.Below(1000) switch { < 120 => 0, < 960 => 1, < 980 => 2, < 995 => 3, _ => 4 };
        var result = Tables.Results[outcome];
        var resultForm = row.Below(result.Texts.Length);

        var collectedAt = FirstCollectionDay.AddDays(index / RowsPerDay).AddSeconds(6 * 3600 + row.Below(14 * 3600));
        var createdAt = collectedAt.AddSeconds(3600 + row.Below(36 * 3600)).AddMilliseconds(row.Below(1000));
        var observedAt = collectedAt.AddSeconds(1800 + row.Below(20 * 3600));
        var updatedAt = createdAt.AddSeconds(60 + row.Below(3 * 24 * 3600));

        // Now and then a lab sends the name in mixed case: E2 upper-cases names before matching.
        b.Text(row.Chance(0.03) ? Tables.LastNamesMixedCase[lastName] : Tables.LastNames[lastName]);
        b.Next().Text(middle);
        b.Next().Text(firstName);
        b.Next().Timestamp(EarliestBirth.AddDays(birthDay), withTime: false);
        b.Next().Text(sex);
        b.Next().Number(houseNumber).Text(" ").Text(street).Text(" ").Text(streetSuffix);
        b.Next();
        if (apartment > 0)
        {
            b.Text("APT ").Number(apartment).Char(apartmentLetter);
        }

        b.Next().Text(city);
        b.Next().Number(zip);
        b.Next();
        switch (badKind)
        {
            case 0:
                b.Text(Tables.NonDigitCountyCodes[(int)(index % Tables.NonDigitCountyCodes.Length)]);
                break;
            default:
                b.Text(county);
                break;
        }

        b.Next();
        if (phone >= 0)
        {
            if (phoneStyle == 0)
            {
                b.Text("(555) ").Padded(phone / 10_000, 3).Text("-").Padded(phone % 10_000, 4);
            }
            else
            {
                b.Text("555").Padded(phone, 7);
            }
        }

        b.Next().Text(labPfi);
        b.Next().Text(labClia);
        b.Next().Text(labName);
        b.Next();
        if (lab == homeLab)
        {
            b.Number(keyPrefix).Padded(personId, 12);
        }
        else
        {
            // Another lab keys the same person its own way: E2 matches such rows by name and birth date. The key is
            // the person's and the lab's alone: no two people ever share one.
            b.Number(keyPrefix + 1).Padded((personId * Tables.Labs.Length) + lab, 12);
        }

        b.Next().Text(facility.Address1);
        b.Next().Text(facility.Address2);
        b.Next().Text(facility.City);
        b.Next().Text(facility.Code);
        b.Next().Text(facility.Name);
        b.Next().Text(facility.Phone);
        b.Next().Text(facility.Address1);
        if (facility.Address2.Length > 0)
        {
            b.Text(", ").Text(facility.Address2);
        }

        b.Next().Text(facility.City);
        b.Next().Text("PFI").Number(1000 + row.Below(9000)).Text("-").Text(row.Pick(Tables.ProviderRoles));
        b.Next();
        if (row.Chance(0.005))
        {
            b.Text("\"DR \"\"").Text(row.Pick(Tables.FirstNames)).Text("\"\"\"");
        }
        else
        {
            b.Text(row.Pick(Tables.ProviderFirstNames));
        }

        b.Next().Text(row.Pick(Tables.LastNames));
        b.Next().Timestamp(collectedAt);
        b.Next().Timestamp(createdAt);
        b.Next().Text(test.LocalCode);
        b.Next().Text(test.LocalDesc);
        b.Next().Text(test.Loinc);
        b.Next().Text(test.LoincDesc);
        b.Next().Timestamp(observedAt);
        b.Next().Text(result.Texts[resultForm]);
        b.Next().Text(result.ShortTexts[resultForm]);
        b.Next().Text(row.Chance(0.97) ? "F" : "C");
        b.Next().Text(producerLab);
        b.Next().Text(result.Snomed);
        b.Next().Text(result.SnomedDesc);
        b.Next().Text("IDR").Padded((uint)seed % 1000, 3).Padded(index, 11).Text("-01");
        b.Next().Timestamp(observedAt);
        b.Next().Text(test.Specimen);
        b.Next().Number(152).Padded((uint)seed % 1000, 3).Padded(index, 11);
        b.Next().Timestamp(updatedAt);

        if (version >= EclrsVersion.V2)
        {
            var employed = row.Chance(0.6);
            var employer = employed ? Tables.Employers[row.Pick(Tables.EmployerPicks)] : "";
            b.Next().Text(employer);
            b.Next();
            if (employed && row.Chance(0.85))
            {
                b.Number(1 + row.Below(999)).Text(" ").Text(row.Pick(Tables.Streets)).Text(" ").Text(row.Pick(Tables.StreetSuffixes))
                    .Text(", ").Text(row.Pick(Tables.Cities)).Text(" NY ").Number(10001 + row.Below(4900));
            }

            b.Next();
            if (employed && row.Chance(0.8))
            {
                b.Text("555").Padded(row.Below(10_000_000), 7);
            }

            b.Next();
            if (employed && row.Chance(0.1))
            {
                b.Text("555").Padded(row.Below(10_000_000), 7);
            }

            b.Next();
            if (employed && row.Chance(0.2))
            {
                b.Text("E").Padded(row.Below(1_000_000), 6);
            }

            b.Next().Text(employed && row.Chance(0.9) ? row.Pick(Tables.JobTitles) : "");
            var school = row.Chance(0.2);
            b.Next().Text(school ? row.Pick(Tables.Schools) : "");
            b.Next().Text(school ? row.Pick(Tables.SchoolDistricts) : "");
            b.Next();
            if (school)
            {
                b.Padded(row.Below(1_000_000), 6);
            }

            b.Next().Text(school ? row.Pick(Tables.SchoolJobClasses) : "");
            b.Next().Text(school ? (row.Chance(0.8) ? "Y" : "N") : "");
        }

        if (version == EclrsVersion.V3)
        {
            b.Next().Text(YesNo(ref row, 0.85));
            b.Next();
            if (row.Chance(0.8))
            {
                b.Timestamp(createdAt);
            }

            b.Next().Text(YesNo(ref row, 0.6));
            var symptomatic = YesNo(ref row, 0.6);
            b.Next().Text(symptomatic);
            b.Next();
            if (symptomatic == "Y")
            {
                b.Timestamp(collectedAt.Date.AddDays(-1 - row.Below(6)));
            }

            b.Next().Text(YesNo(ref row, 0.5));
            b.Next().Text(YesNo(ref row, 0.4));
            b.Next().Text(YesNo(ref row, 0.5));
            b.Next().Text(sex == "F" ? YesNo(ref row, 0.3) : "");
        }

        switch (badKind)
        {
            case 1:
                // One field short: the row ends before RESULTPOSITIVE.
                break;
            case 2:
                b.Next().Text(result.Positive).Next().Text("EXTRA");
                break;
            case 3:
                b.Next().Text(result.Positive);
                b.Length = BlankCounty(b.Buffer, b.Length);
                break;
            default:
                b.Next().Text(result.Positive);
                break;
        }
    }

    // A blank county code: remove what lies between the ninth and tenth pipe (PIDCOUNTYCODE, never quoted).
    private static int BlankCounty(char[] buffer, int length)
    {
        var pipes = 0;
        var start = -1;
        for (var i = 0; i < length; i++)
        {
            if (buffer[i] != '|' || ++pipes < EclrsColumns.CountyCode)
            {
                continue;
            }

            if (pipes == EclrsColumns.CountyCode)
            {
                start = i + 1;
                continue;
            }

            Array.Copy(buffer, i, buffer, start, length - i);
            return length - (i - start);
        }

        return length;
    }

    private static string YesNo(ref Draw draw, double filled)
    {
        if (!draw.Chance(filled))
        {
            return "";
        }

        return draw.Below(10) switch { < 6 => "N", < 9 => "Y", _ => "U" };
    }

    private enum Salt : ulong
    {
        Row = 0x52_4F_57,
        Block = 0x42_4C_4B,
        Person = 0x50_45_52,
        Bad = 0x42_41_44,
        BadKind = 0x4B_49_4E,
    }

    /// <summary>A small, fast random stream (SplitMix64) keyed by seed, an index and a salt.</summary>
    private struct Draw
    {
        private ulong _state;

        public Draw(int seed, long index, Salt salt)
        {
            _state = Mix(Mix(((ulong)(uint)seed << 32) ^ (ulong)salt) ^ (ulong)index);
        }

        public ulong Next()
        {
            _state += 0x9E3779B97F4A7C15UL;
            return Mix(_state);
        }

        /// <summary>Uniform in [0, n).</summary>
        public int Below(int n) => (int)(((Next() >> 32) * (ulong)n) >> 32);

        public bool Chance(double p) => (Next() >> 11) * (1.0 / (1UL << 53)) < p;

        public T Pick<T>(T[] items) => items[Below(items.Length)];

        private static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Appends fields to a reusable row buffer without allocating.</summary>
    private sealed class RowBuilder
    {
        private readonly char[] _buffer = new char[MaxRowLength];

        public char[] Buffer => _buffer;

        public int Length { get; set; }

        public RowBuilder Reset()
        {
            Length = 0;
            return this;
        }

        /// <summary>Ends the current field: appends the delimiter.</summary>
        public RowBuilder Next()
        {
            _buffer[Length++] = '|';
            return this;
        }

        public RowBuilder Char(char value)
        {
            _buffer[Length++] = value;
            return this;
        }

        public RowBuilder Text(string value)
        {
            value.CopyTo(_buffer.AsSpan(Length));
            Length += value.Length;
            return this;
        }

        public RowBuilder Number(long value)
        {
            value.TryFormat(_buffer.AsSpan(Length), out var written, provider: CultureInfo.InvariantCulture);
            Length += written;
            return this;
        }

        /// <summary>The last <paramref name="digits"/> digits of <paramref name="value"/>, zero-padded.</summary>
        public RowBuilder Padded(long value, int digits)
        {
            for (var i = Length + digits - 1; i >= Length; i--)
            {
                _buffer[i] = (char)('0' + (int)(value % 10));
                value /= 10;
            }

            Length += digits;
            return this;
        }

        /// <summary>The ECLRS form <c>20MAR2020:06:03:36.589000</c>; a date of birth has a zero time.</summary>
        public RowBuilder Timestamp(DateTime at, bool withTime = true)
        {
            at.Deconstruct(out int year, out int month, out int day);
            Padded(day, 2);
            Text(Tables.Months[month - 1]);
            Padded(year, 4);
            if (!withTime)
            {
                return Text(":00:00:00.000000");
            }

            var milliseconds = (at.Ticks % TimeSpan.TicksPerDay) / TimeSpan.TicksPerMillisecond;
            var seconds = milliseconds / 1000;
            Char(':').Padded(seconds / 3600, 2).Char(':').Padded(seconds / 60 % 60, 2).Char(':').Padded(seconds % 60, 2).Char('.');
            return Padded(milliseconds % 1000, 3).Text("000");
        }
    }
}
