using System.Text;

namespace Viaduct.Shared.Eclrs;

/// <summary>
/// The text a row's checksum is taken over: the 65 canonical (v3) values, empty where a file's version lacks
/// the column, joined by <c>|</c>, with <c>\</c> written as <c>\\</c> and <c>|</c> as <c>\|</c> inside values,
/// encoded as UTF-8. Stored checksums are the dedup memory, so this form must never change.
/// </summary>
/// <remarks>
/// The form was chosen so that a row without quotes or backslashes - nearly every row - already is its
/// canonical text once the separators of missing columns are inserted: hashing it then needs no per-field work.
/// </remarks>
internal static class EclrsCanonicalForm
{
    /// <summary>Bytes that are always enough for a row whose raw text is <paramref name="rawLength"/> characters.</summary>
    public static int MaxByteCount(int rawLength) =>
        ((rawLength + 1) * 3) + EclrsColumns.CanonicalCount; // values only shrink when unquoted; separators are 1 byte

    /// <summary>Whether <see cref="WriteRaw"/> gives the canonical form of an unquoted row.</summary>
    public static bool CanWriteRaw(ReadOnlySpan<char> raw) => !raw.Contains('\\');

    /// <summary>
    /// The canonical form of a row whose fields are all unquoted: its raw text, with one separator per missing
    /// column inserted before the last field (RESULTPOSITIVE), which every version keeps last.
    /// </summary>
    public static int WriteRaw(ReadOnlySpan<char> raw, int lastSeparator, int missingColumns, Span<byte> destination)
    {
        var written = Encoding.UTF8.GetBytes(raw[..lastSeparator], destination);
        destination.Slice(written, missingColumns).Fill((byte)'|');
        written += missingColumns;
        return written + Encoding.UTF8.GetBytes(raw[lastSeparator..], destination[written..]);
    }

    /// <summary>Appends one value, preceded by a separator unless it is the first, and returns the bytes written.</summary>
    public static int WriteValue(ReadOnlySpan<char> value, bool first, Span<byte> destination)
    {
        var written = 0;
        if (!first)
        {
            destination[written++] = (byte)'|';
        }

        while (true)
        {
            var special = value.IndexOfAny('\\', '|');
            if (special < 0)
            {
                return written + Encoding.UTF8.GetBytes(value, destination[written..]);
            }

            written += Encoding.UTF8.GetBytes(value[..special], destination[written..]);
            destination[written++] = (byte)'\\';
            destination[written++] = (byte)value[special];
            value = value[(special + 1)..];
        }
    }
}
