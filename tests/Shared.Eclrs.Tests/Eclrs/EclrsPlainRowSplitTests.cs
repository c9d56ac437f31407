using Viaduct.Shared.Eclrs;
using static Viaduct.Shared.Eclrs.Tests.EclrsSamples;

namespace Viaduct.Shared.Eclrs.Tests;

/// <summary>
/// Plain rows are split by one vectorised pass over the line; everything else by the general scan. Whichever way a
/// row is read, a caller must see the same rows, errors, values and checksums.
/// </summary>
public sealed class EclrsPlainRowSplitTests
{
    public static TheoryData<string> Fixtures => new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "eclrs")).Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_fixture_reads_the_same_either_way(string name)
    {
        var text = System.IO.File.ReadAllText(FixturePath(name));
        if (!text.StartsWith(Header(EclrsVersion.V1), StringComparison.Ordinal)
            && !text.StartsWith(Header(EclrsVersion.V2), StringComparison.Ordinal)
            && !text.StartsWith(Header(EclrsVersion.V3), StringComparison.Ordinal))
        {
            return; // bad_header.txt: refused before any row is split
        }

        AssertSameEitherWay(text);
    }

    [Fact]
    public void Edge_rows_read_the_same_either_way()
    {
        var good = Row(EclrsVersion.V3, (EclrsColumns.FirstName, "JANE"));
        var rows = new[]
        {
            good,
            good + "\r",                                              // CRLF
            "",                                                       // empty line between rows
            good + "|extra",                                          // one field too many
            string.Join('|', good.Split('|').Skip(1)),                // one field too few
            Row(EclrsVersion.V3, (EclrsColumns.CountyCode, "")),      // blank county
            Row(EclrsVersion.V3, (EclrsColumns.CountyCode, "36O01")), // not all digits
            Row(EclrsVersion.V3, (EclrsColumns.SendingFacilityName, "\"ACME | LABS\"")),
            Row(EclrsVersion.V3, (EclrsColumns.SendingFacilityName, "\"SAY \"\"HI\"\"\"")),
            Row(EclrsVersion.V3, (EclrsColumns.SendingFacilityName, "\"TWO\nLINES\"")),
            Row(EclrsVersion.V3, (EclrsColumns.SendingFacilityName, "stray \" quote")),
            Row(EclrsVersion.V3, (EclrsColumns.SendingFacilityName, "back\\slash | not a pipe")),
            Row(EclrsVersion.V3, (EclrsColumns.SendingFacilityName, new string('x', 5_000))),
            Row(EclrsVersion.V3, (EclrsColumns.SendingFacilityName, "ÉCLRS ĳ 测试")),
            "\r",
            good,
        };

        AssertSameEitherWay(File(EclrsVersion.V3, rows));
        AssertSameEitherWay(File(EclrsVersion.V3, rows).TrimEnd('\n'));    // last line without a newline
        AssertSameEitherWay("\uFEFF" + File(EclrsVersion.V1, Row(EclrsVersion.V1), Row(EclrsVersion.V1) + "\r"));
    }

    [Fact]
    public void Random_rows_read_the_same_either_way()
    {
        // Rows of the right shape with a few characters swapped for separators, quotes, line ends and backslashes, so
        // that every branch of both scans runs, at every offset of the vector blocks.
        var random = new Random(20261124);
        var alphabet = new[] { 'a', 'B', '7', ' ', '|', '"', '\r', '\n', '\\', 'é' };
        var rows = new List<string>();
        for (var i = 0; i < 2_000; i++)
        {
            var row = Row(EclrsVersion.V3, (EclrsColumns.SendingFacilityName, new string('f', random.Next(0, 40)))).ToCharArray();
            if (random.Next(3) > 0)
            {
                for (var swaps = random.Next(1, 4); swaps > 0; swaps--)
                {
                    row[random.Next(row.Length)] = alphabet[random.Next(alphabet.Length)];
                }
            }

            rows.Add(new string(row));
        }

        AssertSameEitherWay(File(EclrsVersion.V3, [.. rows]));
    }

    private static void AssertSameEitherWay(string text)
    {
        foreach (var bufferSize in new[] { 64, 1_000, EclrsReader.DefaultBufferSize })
        {
            using var slow = EclrsReader.Open(new StringReader(text), bufferSize, EclrsReader.DefaultMaxRowLength, splitFast: false);
            using var fast = EclrsReader.Open(new StringReader(text), bufferSize, EclrsReader.DefaultMaxRowLength, splitFast: true);
            var expected = Observe(slow);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, Observe(fast));
        }
    }
}
