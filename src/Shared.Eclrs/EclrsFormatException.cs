namespace Viaduct.Shared.Eclrs;

/// <summary>
/// The whole file is unusable (empty, or its first line is not a known header). The message is shown to
/// operators and stored with the file, so it never quotes row content - at most the header line, truncated.
/// </summary>
public sealed class EclrsFormatException : Exception
{
    public EclrsFormatException()
        : this("the file is not a valid ECLRS file")
    {
    }

    public EclrsFormatException(string message)
        : base(message)
    {
    }

    public EclrsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static EclrsFormatException Empty() => new("the file is empty: expected an ECLRS header on the first line");

    internal static EclrsFormatException LineTooLong(int lineNumber, int maxLength) =>
        new($"line {lineNumber} is longer than {maxLength} characters, which no ECLRS row can be");

    internal static EclrsFormatException UnknownHeader(ReadOnlySpan<char> firstLine)
    {
        if (firstLine.IsEmpty)
        {
            return new EclrsFormatException("the first line is empty: expected an ECLRS header (v1, v2 or v3)");
        }

        // The first line of a file without a header is a patient row: the reason names columns, never values.
        return new EclrsFormatException(
            $"the first line is not a known ECLRS header (v1, v2 or v3): {Difference(firstLine)}");
    }

    // Points at the first column that differs from the version with the same column count, which is usually
    // the quickest way for an operator to see what the sender changed.
    private static string Difference(ReadOnlySpan<char> firstLine)
    {
        var columns = firstLine.Count('|') + 1;
        foreach (var version in (ReadOnlySpan<EclrsVersion>)[EclrsVersion.V1, EclrsVersion.V2, EclrsVersion.V3])
        {
            var expected = EclrsColumns.For(version);
            if (expected.Count != columns)
            {
                continue;
            }

            var index = 0;
            foreach (var range in firstLine.Split('|'))
            {
                var found = firstLine[range];
                if (!found.SequenceEqual(expected[index]))
                {
                    var what = IsColumnName(found) ? $"is \"{found}\"" : "is not a column name";
                    return $"it has {columns} columns like v{(int)version}, but column {index + 1} {what} where v{(int)version} has \"{expected[index]}\"";
                }

                index++;
            }

            break;
        }

        return $"it has {columns} columns, where v1 has {EclrsColumns.For(EclrsVersion.V1).Count}, v2 {EclrsColumns.For(EclrsVersion.V2).Count} and v3 {EclrsColumns.CanonicalCount}";
    }

    private static bool IsColumnName(ReadOnlySpan<char> value)
    {
        foreach (var name in EclrsColumns.Canonical)
        {
            if (value.SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }
}
