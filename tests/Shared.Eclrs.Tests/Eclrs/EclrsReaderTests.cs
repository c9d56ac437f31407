using System.Text;
using Viaduct.Shared.Eclrs;
using static Viaduct.Shared.Eclrs.Tests.EclrsSamples;
using C = Viaduct.Shared.Eclrs.EclrsColumns;

namespace Viaduct.Shared.Eclrs.Tests;

public sealed class EclrsReaderTests
{
    private static readonly string Good = Row(EclrsVersion.V1);

    [Fact]
    public void Read_ShouldStripCarriageReturns_FromCrlfLines()
    {
        var text = $"{Header(EclrsVersion.V1)}\r\n{Row(EclrsVersion.V1, (C.LastName, "ONE"))}\r\n{Row(EclrsVersion.V1, (C.LastName, "TWO"))}\r\n";
        using var reader = Open(text);

        Assert.True(reader.Read());
        Assert.Equal("ONE", reader[C.LastName]);
        Assert.Equal("POSITIVE", reader[C.ResultPositive]);
        Assert.DoesNotContain('\r', reader.RawLine);
        Assert.True(reader.Read());
        Assert.Equal("TWO", reader[C.LastName]);
        Assert.Equal(3, reader.LineNumber);
        Assert.Equal("POSITIVE", reader[C.ResultPositive]);
        Assert.False(reader.Read());
    }

    [Fact]
    public void Open_ShouldAcceptAByteOrderMark_WhenTheTextReaderKeepsIt()
    {
        using var reader = Open("\uFEFF" + File(EclrsVersion.V2, Row(EclrsVersion.V2)));

        Assert.Equal(EclrsVersion.V2, reader.Version);
        Assert.True(reader.Read());
        Assert.Null(reader.Error);
    }

    [Fact]
    public void Open_ShouldAcceptAByteOrderMark_WhenTheTextReaderStripsIt()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(File(EclrsVersion.V3, Row(EclrsVersion.V3)))).ToArray();
        using var reader = EclrsReader.Open(new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true));

        Assert.Equal(EclrsVersion.V3, reader.Version);
        Assert.True(reader.Read());
        Assert.Equal("DOE", reader[C.LastName]);
    }

    [Fact]
    public void Open_ShouldAcceptAHeaderEndingInACarriageReturn_AndAFileWithNoRows()
    {
        using var reader = Open(Header(EclrsVersion.V1) + "\r\n");

        Assert.Equal(EclrsVersion.V1, reader.Version);
        Assert.False(reader.Read());
    }

    [Fact]
    public void Open_ShouldAcceptAHeaderWithoutAnyNewline()
    {
        using var reader = Open(Header(EclrsVersion.V3));

        Assert.Equal(EclrsVersion.V3, reader.Version);
        Assert.False(reader.Read());
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF")]
    public void Open_ShouldThrow_ForAnEmptyFile(string text)
    {
        var error = Assert.Throws<EclrsFormatException>(() => Open(text));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ShouldThrow_WhenTheFirstLineIsEmpty()
    {
        var error = Assert.Throws<EclrsFormatException>(() => Open("\n" + File(EclrsVersion.V1, Good)));

        Assert.Contains("first line is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ShouldThrow_ForAHeaderWithADifferentColumnCount_SayingHowManyItHas()
    {
        var error = Assert.Throws<EclrsFormatException>(() => Open("PIDLASTNAME|PIDFIRSTNAME\n" + Good + "\n"));

        Assert.Contains("it has 2 columns", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("DOE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ShouldThrow_ForAFileWithoutHeader_WithoutQuotingThePatientRowItFoundThere()
    {
        var first = Row(EclrsVersion.V3, (C.LastName, "FIRSTROW"), (C.AddressLine1, new string('A', 300)), (C.ResultPositive, "TAIL-OF-FIRST-ROW"));
        var second = Row(EclrsVersion.V3, (C.LastName, "SECONDROW"));

        var error = Assert.Throws<EclrsFormatException>(() => Open(first + "\n" + second + "\n"));

        Assert.Contains("column 1 is not a column name where v3 has \"PIDLASTNAME\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("FIRSTROW", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TAIL-OF-FIRST-ROW", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECONDROW", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 500, error.Message);
    }

    [Fact]
    public void Open_ShouldThrow_ForAHeaderThatDiffersOnlyInCase()
    {
        Assert.Throws<EclrsFormatException>(() => Open(Header(EclrsVersion.V1).ToLowerInvariant() + "\n" + Good + "\n"));
    }

    [Fact]
    public void Open_ShouldThrow_ForAVeryLongFirstLineWithoutNewline_WithoutReadingItAll()
    {
        var reader = new CountingReader(new string('x', 10_000_000));

        Assert.Throws<EclrsFormatException>(() => EclrsReader.Open(reader));
        Assert.True(reader.CharactersRead < 1_000_000, $"read {reader.CharactersRead} characters");
    }

    [Fact]
    public void Read_ShouldReturnTheLastRow_WhenTheFileLacksAFinalNewline()
    {
        using var reader = Open($"{Header(EclrsVersion.V1)}\n{Good}\n{Row(EclrsVersion.V1, (C.LastName, "LAST"))}");

        Assert.True(reader.Read());
        Assert.True(reader.Read());
        Assert.Null(reader.Error);
        Assert.Equal("LAST", reader[C.LastName]);
        Assert.Equal("POSITIVE", reader[C.ResultPositive]);
        Assert.Equal(3, reader.LineNumber);
        Assert.False(reader.Read());
    }

    [Fact]
    public void Read_ShouldNotReturnAnExtraRow_ForTheFinalNewline()
    {
        using var reader = Open(File(EclrsVersion.V1, Good, Good));

        Assert.True(reader.Read());
        Assert.True(reader.Read());
        Assert.False(reader.Read());
        Assert.False(reader.Read());
    }

    [Fact]
    public void Read_ShouldReportAWrongFieldCount_WithTheLineNumberAndRawText()
    {
        var shortRow = Good[..Good.LastIndexOf('|')];
        var longRow = Good + "|EXTRA";
        using var reader = Open(File(EclrsVersion.V1, Good, shortRow, longRow, Good));

        Assert.True(reader.Read());
        Assert.Null(reader.Error);
        Assert.True(reader.Read());
        Assert.Equal("expected 45 fields, found 44", reader.Error);
        Assert.Equal(3, reader.LineNumber);
        Assert.Equal(shortRow, reader.RawLine);
        Assert.True(reader.Read());
        Assert.Equal("expected 45 fields, found 46", reader.Error);
        Assert.Equal(4, reader.LineNumber);
        Assert.Equal(longRow, reader.RawLine);
        Assert.True(reader.Read());
        Assert.Null(reader.Error);
        Assert.Equal(5, reader.LineNumber);
    }

    [Theory]
    [InlineData("", "county code is blank")]
    [InlineData("   ", "county code is blank")]
    [InlineData("11A1", "county code is not all digits")]
    [InlineData(" 1111", "county code is not all digits")]
    [InlineData("-1", "county code is not all digits")]
    [InlineData("\uFF11\uFF11", "county code is not all digits")]
    public void Read_ShouldReportABadCountyCode(string county, string expected)
    {
        using var reader = Open(File(EclrsVersion.V2, Row(EclrsVersion.V2, (C.CountyCode, county)), Row(EclrsVersion.V2)));

        Assert.True(reader.Read());
        Assert.Equal(expected, reader.Error);
        Assert.Equal(2, reader.LineNumber);
        Assert.True(reader.Read());
        Assert.Null(reader.Error);
    }

    [Fact]
    public void Read_ShouldAcceptAnAllDigitCountyCode_OfAnyLength()
    {
        using var reader = Open(File(EclrsVersion.V1, Row(EclrsVersion.V1, (C.CountyCode, "600"))));

        Assert.True(reader.Read());
        Assert.Null(reader.Error);
        Assert.Equal("600", reader[C.CountyCode]);
    }

    [Fact]
    public void Read_ShouldReportAnEmptyMiddleLine_AsABadRow()
    {
        using var reader = Open($"{Header(EclrsVersion.V1)}\n{Good}\n\n\r\n{Good}\n");

        Assert.True(reader.Read());
        Assert.Equal(2, reader.LineNumber);
        Assert.Null(reader.Error);
        Assert.True(reader.Read());
        Assert.Equal(3, reader.LineNumber);
        Assert.Equal("line is empty", reader.Error);
        Assert.Equal(string.Empty, reader.RawLine);
        Assert.True(reader.Read());
        Assert.Equal(4, reader.LineNumber);
        Assert.Equal("line is empty", reader.Error);
        Assert.True(reader.Read());
        Assert.Equal(5, reader.LineNumber);
        Assert.Null(reader.Error);
        Assert.Equal("DOE", reader[C.LastName]);
        Assert.False(reader.Read());
    }

    [Fact]
    public void Read_ShouldReportAnEmptyLineRightAfterTheHeader_AsABadRow()
    {
        using var reader = Open($"{Header(EclrsVersion.V1)}\n\n{Good}\n");

        Assert.True(reader.Read());
        Assert.Equal((2, "line is empty"), (reader.LineNumber, reader.Error));
        Assert.True(reader.Read());
        Assert.Equal((3, (string?)null), (reader.LineNumber, reader.Error));
    }

    [Fact]
    public void Read_ShouldIgnoreEmptyLines_AfterTheLastRow()
    {
        using var reader = Open($"{Header(EclrsVersion.V1)}\n{Good}\n\n\r\n");

        Assert.True(reader.Read());
        Assert.False(reader.Read());
    }

    [Fact]
    public void Read_ShouldReportAWhitespaceLine_AsABadRow()
    {
        using var reader = Open($"{Header(EclrsVersion.V1)}\n   \n");

        Assert.True(reader.Read());
        Assert.Equal("expected 45 fields, found 1", reader.Error);
        Assert.Equal("   ", reader.RawLine);
    }

    [Fact]
    public void Read_ShouldReadAQuotedNewline_AndCountItsLines()
    {
        var spanning = Row(EclrsVersion.V1, (C.AddressLine1, "\"123 MAIN ST\nFLOOR 2\r\nROOM 3\""));
        using var reader = Open(File(EclrsVersion.V1, Good, spanning, Good));

        Assert.True(reader.Read());
        Assert.True(reader.Read());
        Assert.Null(reader.Error);
        Assert.Equal(3, reader.LineNumber);
        Assert.Equal("123 MAIN ST\nFLOOR 2\r\nROOM 3", reader[C.AddressLine1]);
        Assert.Equal("POSITIVE", reader[C.ResultPositive]);
        Assert.Equal(spanning, reader.RawLine);
        Assert.True(reader.Read());
        Assert.Null(reader.Error);
        Assert.Equal(6, reader.LineNumber);
        Assert.False(reader.Read());
    }

    [Fact]
    public void Read_ShouldKeepAQuoteInsideAnUnquotedField_AsText()
    {
        using var reader = Open(File(EclrsVersion.V1, Row(EclrsVersion.V1, (C.LastName, "O\"BRIEN"), (C.City, "5'10\""))));

        Assert.True(reader.Read());
        Assert.Null(reader.Error);
        Assert.Equal("O\"BRIEN", reader[C.LastName]);
        Assert.Equal("5'10\"", reader[C.City]);
    }

    [Fact]
    public void Read_ShouldUnquoteQuotedFields_IncludingDoubledQuotesAndEmptyQuotes()
    {
        var row = Row(EclrsVersion.V1, (C.LastName, "\"SAY \"\"HI\"\"\""), (C.MiddleName, "\"\""), (C.CountyCode, "\"1111\""), (C.ResultPositive, "\"POSITIVE\""));
        using var reader = Open(File(EclrsVersion.V1, row));

        Assert.True(reader.Read());
        Assert.Null(reader.Error);
        Assert.Equal("SAY \"HI\"", reader[C.LastName]);
        Assert.Equal(string.Empty, reader[C.MiddleName]);
        Assert.Equal("1111", reader[C.CountyCode]);
        Assert.Equal("POSITIVE", reader[C.ResultPositive]);
        Assert.Equal("SAY \"HI\"", reader.GetSpan(C.LastName).ToString());
    }

    [Fact]
    public void Read_ShouldReportTextAfterAClosingQuote_AsABadRow()
    {
        using var reader = Open(File(EclrsVersion.V1, Row(EclrsVersion.V1, (C.SendingFacilityName, "\"ACME\" INC")), Good));

        Assert.True(reader.Read());
        Assert.Equal("field 14 has text after its closing quote", reader.Error);
        Assert.True(reader.Read());
        Assert.Null(reader.Error);
        Assert.Equal(3, reader.LineNumber);
    }

    [Fact]
    public void Read_ShouldReportAQuoteLeftOpenOnTheLastLine_AsABadRow()
    {
        var unclosed = Row(EclrsVersion.V1, (C.ResultPositive, "\"POSITIVE"));
        using var reader = Open(File(EclrsVersion.V1, Good, unclosed));

        Assert.True(reader.Read());
        Assert.True(reader.Read());
        Assert.Equal("quoted field 45 is never closed", reader.Error);
        Assert.Equal(3, reader.LineNumber);
        Assert.Equal(unclosed, reader.RawLine);
        Assert.False(reader.Read());
    }

    [Fact]
    public void Read_ShouldReportAQuoteLeftOpenAtTheEndOfAFileWithoutNewline_AsABadRow()
    {
        var unclosed = Row(EclrsVersion.V1, (C.LastName, "\"DOE"));
        using var reader = Open($"{Header(EclrsVersion.V1)}\n{unclosed}");

        Assert.True(reader.Read());
        Assert.Equal("quoted field 1 is never closed", reader.Error);
        Assert.Equal(unclosed, reader.RawLine);
        Assert.False(reader.Read());
    }

    [Fact]
    public void Read_ShouldResumeAtTheNextLine_AfterAQuoteThatNeverCloses()
    {
        var stray = Row(EclrsVersion.V1, (C.LastName, "\"DOE"));
        using var reader = Open(File(EclrsVersion.V1, stray, Row(EclrsVersion.V1, (C.LastName, "NEXT")), Good));

        Assert.True(reader.Read());
        Assert.Equal(2, reader.LineNumber);
        Assert.Equal("quoted field 1 is never closed", reader.Error);
        Assert.Equal(stray, reader.RawLine);
        Assert.True(reader.Read());
        Assert.Equal(3, reader.LineNumber);
        Assert.Null(reader.Error);
        Assert.Equal("NEXT", reader[C.LastName]);
        Assert.True(reader.Read());
        Assert.Equal(4, reader.LineNumber);
        Assert.False(reader.Read());
    }

    [Fact]
    public void Read_ShouldResumeAtTheNextLine_WhenAQuoteJoinsLinesIntoAMalformedRow()
    {
        var opens = Row(EclrsVersion.V1, (C.LastName, "\"DOE"));
        var closes = Row(EclrsVersion.V1, (C.City, "SPRINGFIELD\""));
        using var reader = Open(File(EclrsVersion.V1, opens, closes, Good));

        Assert.True(reader.Read());
        Assert.Equal(2, reader.LineNumber);
        Assert.StartsWith("quoted field 1 runs onto the next line", reader.Error, StringComparison.Ordinal);
        Assert.Equal(opens, reader.RawLine);
        Assert.True(reader.Read());
        Assert.Equal(3, reader.LineNumber);
        Assert.Null(reader.Error);
        Assert.Equal("SPRINGFIELD\"", reader[C.City]);
        Assert.True(reader.Read());
        Assert.Equal(4, reader.LineNumber);
        Assert.False(reader.Read());
    }

    [Fact]
    public void Read_ShouldReportOnlyTheFirstLine_WhenAQuoteStaysOpenBeyondTheRowLengthLimit()
    {
        var stray = Row(EclrsVersion.V1, (C.LastName, "\"DOE"));
        var rows = new[] { stray }.Concat(Enumerable.Repeat(Good, 200)).ToArray();
        using var reader = EclrsReader.Open(new StringReader(File(EclrsVersion.V1, rows)), bufferSize: 1024, maxRowLength: 4096);

        Assert.True(reader.Read());
        Assert.Equal("a quoted field is not closed within 4096 characters", reader.Error);
        Assert.Equal(stray, reader.RawLine);
        var good = 0;
        while (reader.Read())
        {
            Assert.Null(reader.Error);
            Assert.Equal(good + 3, reader.LineNumber);
            good++;
        }

        Assert.Equal(200, good);
    }

    [Fact]
    public void Read_ShouldThrow_WhenALineIsLongerThanAnyRowCanBe()
    {
        var text = File(EclrsVersion.V1, Good, Good + new string('x', 10_000), Good);
        using var reader = EclrsReader.Open(new StringReader(text), bufferSize: 1024, maxRowLength: 4096);

        Assert.True(reader.Read());
        var error = Assert.Throws<EclrsFormatException>(() => reader.Read());
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("xxx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ShouldGiveTheSameRows_WhateverTheBufferSize()
    {
        var spanning = Row(EclrsVersion.V3, (C.AddressLine1, "\"A\nB\"\"C\r\n\"\"D\""), (C.ResultPositive, "\"X|Y\""));
        var texts = new List<string>
        {
            "\uFEFF" + File(EclrsVersion.V3, Row(EclrsVersion.V3), spanning, Row(EclrsVersion.V3, (C.LastName, "\"A\"\"\"")), string.Empty, Row(EclrsVersion.V3)),
            File(EclrsVersion.V1, Good, Row(EclrsVersion.V1, (C.LastName, "\"DOE")), Good, Row(EclrsVersion.V1, (C.LastName, "SMITH\"")), Good).Replace("\n", "\r\n", StringComparison.Ordinal),
            $"{Header(EclrsVersion.V1)}\n{Good}\n{Row(EclrsVersion.V1, (C.ResultPositive, "\"POS"))}\r\n\n",
        };
        texts.AddRange(Directory.GetFiles(Path.GetDirectoryName(FixturePath("any"))!, "v*.txt").Select(System.IO.File.ReadAllText));

        foreach (var text in texts)
        {
            List<string> expected;
            using (var whole = Open(text))
            {
                expected = Observe(whole);
            }

            Assert.NotEmpty(expected);
            foreach (var bufferSize in Enumerable.Range(1, 40).Concat([127, 128, 1000, 1500]))
            {
                using var reader = EclrsReader.Open(new StringReader(text), bufferSize, EclrsReader.DefaultMaxRowLength);
                Assert.Equal(expected, Observe(reader));
            }
        }
    }

    [Fact]
    public void Indexer_ShouldReturnEmpty_ForColumnsTheFileVersionLacks()
    {
        using var reader = Open(File(EclrsVersion.V1, Good));

        Assert.True(reader.Read());
        Assert.Equal(string.Empty, reader[C.EmployerName]);
        Assert.Equal(string.Empty, reader[C.PregnancyInd]);
        Assert.True(reader.GetSpan(C.FirstTestYn).IsEmpty);
        Assert.Equal("POSITIVE", reader[C.ResultPositive]);
    }

    [Fact]
    public void Indexer_ShouldThrow_ForABadRow_AndOutOfRange()
    {
        using var reader = Open(File(EclrsVersion.V1, Good, Row(EclrsVersion.V1, (C.CountyCode, "X"))));

        Assert.True(reader.Read());
        Assert.Throws<ArgumentOutOfRangeException>(() => reader[C.CanonicalCount]);
        Assert.Throws<ArgumentOutOfRangeException>(() => reader[-1]);
        Assert.True(reader.Read());
        Assert.Throws<InvalidOperationException>(() => reader[C.LastName]);
        Assert.Throws<InvalidOperationException>(() => reader.WriteChecksum(new byte[32]));
        Assert.False(reader.Read());
        Assert.Throws<InvalidOperationException>(() => reader.RawLine);
    }

    [Fact]
    public void Dispose_ShouldLeaveTheTextReaderToItsOwner()
    {
        var text = new StringReader(File(EclrsVersion.V1, Good) + "AFTER");
        var reader = EclrsReader.Open(text);
        Assert.True(reader.Read());

        reader.Dispose();

        Assert.Throws<ObjectDisposedException>(() => reader.Read());
        Assert.Equal(-1, text.Peek()); // still open: the reader had read it all, but did not dispose it
    }

    private sealed class CountingReader(string text) : TextReader
    {
        public int CharactersRead { get; private set; }

        public override int Read(Span<char> buffer)
        {
            var count = Math.Min(buffer.Length, text.Length - CharactersRead);
            text.AsSpan(CharactersRead, count).CopyTo(buffer);
            CharactersRead += count;
            return count;
        }

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));
    }
}
