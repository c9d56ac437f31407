using Viaduct.Shared.Eclrs;

namespace Viaduct.Shared.Eclrs.Tests;

/// <summary>Builds small ECLRS texts for the parser tests.</summary>
internal static class EclrsSamples
{
    public static string Header(EclrsVersion version) => string.Join('|', EclrsColumns.For(version));

    /// <summary>
    /// A good row of <paramref name="version"/>: every field empty except the ones given (by canonical
    /// position, written into the file as is, so quoting is up to the caller), a county code and a result.
    /// </summary>
    public static string Row(EclrsVersion version, params (int Column, string Text)[] fields)
    {
        var names = EclrsColumns.For(version);
        var values = new string[names.Count];
        Array.Fill(values, string.Empty);
        values[EclrsColumns.LastName] = "DOE";
        values[EclrsColumns.CountyCode] = "1111";
        values[^1] = "POSITIVE";
        foreach (var (column, text) in fields)
        {
            var position = column == EclrsColumns.ResultPositive ? names.Count - 1 : column;
            Assert.InRange(position, 0, names.Count - 1);
            values[position] = text;
        }

        return string.Join('|', values);
    }

    public static string File(EclrsVersion version, params string[] rows) =>
        string.Concat(Header(version), "\n", string.Join('\n', rows), "\n");

    public static EclrsReader Open(string text) => EclrsReader.Open(new StringReader(text));

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "eclrs", name);

    public static EclrsReader OpenFixture(string name) => EclrsReader.Open(new StreamReader(FixturePath(name)));

    public static byte[] Checksum(EclrsReader reader)
    {
        var checksum = new byte[32];
        reader.WriteChecksum(checksum);
        return checksum;
    }

    /// <summary>Everything a caller can observe about each row, for comparing two readings of one text.</summary>
    public static List<string> Observe(EclrsReader reader)
    {
        var rows = new List<string>();
        while (reader.Read())
        {
            var observed = $"{reader.LineNumber}|{reader.Error}|{reader.RawLine}";
            if (reader.Error is null)
            {
                observed += "|" + string.Join('|', Enumerable.Range(0, EclrsColumns.CanonicalCount).Select(i => reader[i]));
                observed += "|" + Convert.ToHexString(Checksum(reader));
            }

            rows.Add(observed);
        }

        return rows;
    }
}
