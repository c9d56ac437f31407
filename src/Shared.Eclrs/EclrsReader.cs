// Not Sylvan.Data.Csv: it cannot flag an unclosed quote and resume at the next physical line (Lax mode silently swallows the rest of the file into one field; Standard mode throws, losing every later row).
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Viaduct.Shared.Eclrs;

/// <summary>
/// Streams the rows of an ECLRS file: pipe-delimited, double-quote quoting, LF or CRLF line ends. A row that
/// cannot be used is still returned, with <see cref="Error"/> set, so that the caller can record it; reading
/// then goes on with the next row. Values and the raw text of a row are valid until the next <see cref="Read"/>.
/// </summary>
public sealed class EclrsReader : IDisposable
{
    internal const int DefaultBufferSize = 64 * 1024;

    /// <summary>A row (even one whose quoted field spans lines) may not be longer than this.</summary>
    internal const int DefaultMaxRowLength = 1024 * 1024;

    // The longest header is about 1,100 characters; a first line much longer than that is not a header, and
    // reading it to the end could mean reading a whole binary file.
    private const int MaxHeaderLength = 8 * 1024;

    private const string EmptyLineError = "line is empty";

    private readonly TextReader _reader;
    private readonly int _maxRowLength;
    private readonly int _expectedFields;
    private readonly int[] _filePositions;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly bool _splitFast;

    // Where each field's content lies in the buffer, and whether it holds doubled quotes still to be undone.
    private readonly int[] _fieldStart;
    private readonly int[] _fieldLength;
    private readonly bool[] _fieldEscaped;
    private readonly string?[] _values;

    // The previous string made for each field: consecutive rows repeat most values (lab, facility, test), and
    // comparing a few characters is cheaper than allocating and later collecting another copy.
    private readonly string?[] _previousValues;

    private char[] _buffer;
    private int _start; // first character not yet consumed
    private int _end; // end of the characters read so far
    private bool _endOfInput;
    private int _nextLineNumber;
    private byte[]? _hashBuffer;
    private bool _disposed;

    private Row _row;
    private bool _hasRow;
    private string? _rawLine;

    // Empty lines are held back until a row follows them: empty lines at the very end carry nothing and are
    // not rows, while one between rows is reported as a bad row.
    private int _pendingEmptyLines;
    private int _pendingEmptyLineNumber;
    private Row _heldRow;
    private bool _hasHeldRow;

    private EclrsReader(TextReader reader, int bufferSize, int maxRowLength, EclrsVersion? knownVersion = null, bool splitFast = true)
    {
        _reader = reader;
        _maxRowLength = maxRowLength;
        _splitFast = splitFast;
        _buffer = ArrayPool<char>.Shared.Rent(bufferSize);
        try
        {
            if (knownVersion is { } version)
            {
                Version = version;
                _nextLineNumber = 1;
            }
            else
            {
                Version = ReadHeader();
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        _expectedFields = EclrsColumns.For(Version).Count;
        _filePositions = EclrsColumns.FilePositionsOf(Version).ToArray();
        _fieldStart = new int[_expectedFields];
        _fieldLength = new int[_expectedFields];
        _fieldEscaped = new bool[_expectedFields];
        _values = new string?[_expectedFields];
        _previousValues = new string?[_expectedFields];
    }

    /// <summary>The header's version; every row is read through the canonical (v3) positions regardless.</summary>
    public EclrsVersion Version { get; }

    /// <summary>Physical line on which the current row starts; the header is line 1.</summary>
    public int LineNumber => _row.LineNumber;

    /// <summary>Null for a good row; otherwise why the row cannot be used, without any of its content.</summary>
    public string? Error => _row.Error;

    /// <summary>Number of fields found in the current row (the header's count for a good row).</summary>
    public int FieldCount => _row.Fields;

    /// <summary>The current row exactly as in the file, without its line terminator.</summary>
    public string RawLine
    {
        get
        {
            EnsureRow();
            return _rawLine ??= new string(_buffer, _row.Start, _row.Length);
        }
    }

    /// <summary>The current row exactly as in the file, without allocating; valid until the next <see cref="Read"/>.</summary>
    public ReadOnlySpan<char> RawSpan
    {
        get
        {
            EnsureRow();
            return _buffer.AsSpan(_row.Start, _row.Length);
        }
    }

    /// <summary>
    /// The unquoted value at a canonical (v3) position (see the constants of <see cref="EclrsColumns"/>);
    /// empty for a column this file's version lacks. Only valid when <see cref="Error"/> is null.
    /// </summary>
    public string this[int canonicalIndex]
    {
        get
        {
            var position = FilePosition(canonicalIndex);
            return position < 0 ? string.Empty : _values[position] ??= Materialize(position);
        }
    }

    /// <summary>
    /// Opens an ECLRS file: reads and checks the header line, so the version is known at once. The caller keeps
    /// ownership of <paramref name="reader"/>: disposing the returned reader does not dispose it, so a stream
    /// under it can still be used afterwards (say, to finish a content hash).
    /// </summary>
    /// <exception cref="EclrsFormatException">The input is empty or its first line is not a known header.</exception>
    public static EclrsReader Open(TextReader reader) => Open(reader, DefaultBufferSize, DefaultMaxRowLength);

    /// <summary>
    /// Reads rows that have no header line of their own, such as raw rows stored earlier from a file of
    /// <paramref name="version"/>. Line numbers count from 1 within <paramref name="reader"/>.
    /// </summary>
    public static EclrsReader OpenRows(TextReader reader, EclrsVersion version)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new EclrsReader(reader, DefaultBufferSize, DefaultMaxRowLength, version);
    }

    /// <param name="splitFast">Whether plain rows are split by <see cref="TrySplitPlainRow"/> (tests compare both ways).</param>
    internal static EclrsReader Open(TextReader reader, int bufferSize, int maxRowLength, bool splitFast = true)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRowLength, 1);
        return new EclrsReader(reader, bufferSize, maxRowLength, splitFast: splitFast);
    }

    /// <summary>Moves to the next row, good or bad; false at the end of the input.</summary>
    /// <exception cref="EclrsFormatException">A line is longer than any ECLRS row can be.</exception>
    public bool Read()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _rawLine = null;
        Array.Clear(_values);

        if (_pendingEmptyLines > 0 && _hasHeldRow)
        {
            EmitPendingEmptyLine();
            return true;
        }

        if (_hasHeldRow)
        {
            _hasHeldRow = false;
            _row = _heldRow;
            return true;
        }

        while (ScanRow())
        {
            if (_row.Error is not EmptyLineError)
            {
                if (_pendingEmptyLines == 0)
                {
                    return true;
                }

                _heldRow = _row;
                _hasHeldRow = true;
                EmitPendingEmptyLine();
                return true;
            }

            if (_pendingEmptyLines++ == 0)
            {
                _pendingEmptyLineNumber = _row.LineNumber;
            }
        }

        _hasRow = false;
        _row = default;
        return false;
    }

    /// <summary>
    /// The unquoted value at a canonical (v3) position without allocating a string when it can be avoided;
    /// valid until the next <see cref="Read"/>. Only valid when <see cref="Error"/> is null.
    /// </summary>
    public ReadOnlySpan<char> GetSpan(int canonicalIndex)
    {
        var position = FilePosition(canonicalIndex);
        return position < 0 ? [] : ValueAt(position);
    }

    /// <summary>
    /// Writes the SHA-256 (32 bytes) of the row's canonical form (see <see cref="EclrsCanonicalForm"/>): the
    /// values at the 65 canonical positions, empty where this file's version lacks a column, so a v1 row and the
    /// v3 row that equals it padded with empty columns give the same checksum. Only valid when
    /// <see cref="Error"/> is null.
    /// </summary>
    public void WriteChecksum(Span<byte> destination)
    {
        EnsureGoodRow();
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, SHA256.HashSizeInBytes, nameof(destination));

        var raw = _buffer.AsSpan(_row.Start, _row.Length);
        var bound = EclrsCanonicalForm.MaxByteCount(raw.Length);
        if (_hashBuffer is null || _hashBuffer.Length < bound)
        {
            if (_hashBuffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_hashBuffer);
            }

            _hashBuffer = ArrayPool<byte>.Shared.Rent(Math.Max(bound, 4096));
        }

        var bytes = _hashBuffer.AsSpan();
        int written;
        if (!_row.Quoted && EclrsCanonicalForm.CanWriteRaw(raw))
        {
            var lastSeparator = _fieldStart[_expectedFields - 1] - 1 - _row.Start;
            written = EclrsCanonicalForm.WriteRaw(raw, lastSeparator, EclrsColumns.CanonicalCount - _expectedFields, bytes);
        }
        else
        {
            written = 0;
            for (var i = 0; i < EclrsColumns.CanonicalCount; i++)
            {
                var position = _filePositions[i];
                ReadOnlySpan<char> value = position < 0 ? [] : ValueAt(position);
                written += EclrsCanonicalForm.WriteValue(value, first: i == 0, bytes[written..]);
            }
        }

        // One reused hash object: a one-shot hash pays OpenSSL's set-up again for every row.
        _hash.AppendData(bytes[..written]);
        _hash.GetHashAndReset(destination);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _hash.Dispose();
        ArrayPool<char>.Shared.Return(_buffer);
        _buffer = [];
        if (_hashBuffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_hashBuffer);
            _hashBuffer = null;
        }
    }

    private EclrsVersion ReadHeader()
    {
        var newline = -1;
        while (!_endOfInput && _end - _start <= MaxHeaderLength)
        {
            Fill();
            newline = _buffer.AsSpan(_start, _end - _start).IndexOf('\n');
            if (newline >= 0)
            {
                break;
            }
        }

        if (_end > _start && _buffer[_start] == '\uFEFF')
        {
            _start++;
            newline = newline > 0 ? newline - 1 : newline;
        }

        if (_start == _end && _endOfInput)
        {
            throw EclrsFormatException.Empty();
        }

        var line = newline >= 0 ? _buffer.AsSpan(_start, newline) : _buffer.AsSpan(_start, _end - _start);
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

        var version = EclrsColumns.Recognize(line);
        if (version is null || (newline < 0 && !_endOfInput))
        {
            throw EclrsFormatException.UnknownHeader(line);
        }

        _start = newline >= 0 ? _start + newline + 1 : _end;
        _nextLineNumber = 2;
        return version.Value;
    }

    // Scans the next physical row into _row; false at the end of the input.
    private bool ScanRow()
    {
        while (true)
        {
            if (_start == _end)
            {
                if (_endOfInput)
                {
                    return false;
                }

                Fill();
                continue;
            }

            if (TryScanRow())
            {
                _hasRow = true;
                return true;
            }

            if (_end - _start >= _maxRowLength)
            {
                // Without a newline this is one absurdly long line; with one, it is a quote that never closes.
                var newline = _buffer.AsSpan(_start, _end - _start).IndexOf('\n');
                if (newline < 0)
                {
                    throw EclrsFormatException.LineTooLong(_nextLineNumber, _maxRowLength);
                }

                TakeFirstLineOnly(_start + newline, $"a quoted field is not closed within {_maxRowLength} characters");
                _hasRow = true;
                return true;
            }

            Fill();
        }
    }

    // Scans one row starting at _start. False when the buffer ends before the row does and more input may come.
    private bool TryScanRow()
    {
        if (_splitFast && TrySplitPlainRow())
        {
            return true;
        }

        var text = _buffer.AsSpan(0, _end);
        var pos = _start;
        var field = 0;
        var extraLines = 0;
        var firstNewline = -1; // the first line end inside a quoted field, where to resume if the row is bad
        var spanningField = 0;
        var anyQuoted = false;
        string? error = null;

        while (true)
        {
            int contentStart;
            var contentEnd = 0;
            var escaped = false;
            var quoted = pos < _end && text[pos] == '"';
            if (quoted)
            {
                anyQuoted = true;
                var quote = pos + 1;
                while (true)
                {
                    var next = text[quote..].IndexOf('"');
                    if (next < 0)
                    {
                        if (!_endOfInput)
                        {
                            return false;
                        }

                        TakeUnclosedQuote(field);
                        return true;
                    }

                    quote += next;
                    if (quote + 1 == _end && !_endOfInput)
                    {
                        return false; // cannot yet tell a closing quote from a doubled one
                    }

                    if (quote + 1 < _end && text[quote + 1] == '"')
                    {
                        escaped = true;
                        quote += 2;
                        continue;
                    }

                    break;
                }

                contentStart = pos + 1;
                contentEnd = quote;
                var content = text[contentStart..contentEnd];
                var newline = content.IndexOf('\n');
                if (newline >= 0)
                {
                    if (firstNewline < 0)
                    {
                        firstNewline = contentStart + newline;
                        spanningField = field;
                    }

                    extraLines += content.Count('\n');
                }

                pos = quote + 1;
            }
            else
            {
                contentStart = pos;
            }

            var stop = text[pos..].IndexOfAny('|', '\n');
            if (stop < 0 && !_endOfInput)
            {
                return false;
            }

            stop = stop < 0 ? _end : pos + stop;
            var endOfRow = stop == _end || text[stop] == '\n';
            var textEnd = endOfRow && stop > pos && text[stop - 1] == '\r' ? stop - 1 : stop;
            if (!quoted)
            {
                contentEnd = textEnd;
            }
            else if (textEnd > pos)
            {
                error ??= $"field {field + 1} has text after its closing quote";
            }

            if (field < _expectedFields)
            {
                _fieldStart[field] = contentStart;
                _fieldLength[field] = contentEnd - contentStart;
                _fieldEscaped[field] = escaped;
            }

            field++;
            if (!endOfRow)
            {
                pos = stop + 1;
                continue;
            }

            if (error is null && field == 1 && textEnd == _start)
            {
                error = EmptyLineError;
            }

            if (error is null && field != _expectedFields)
            {
                error = $"expected {_expectedFields} fields, found {field}";
            }

            if (firstNewline >= 0 && error is not null)
            {
                // A quote that runs onto later lines without forming a good row is far more likely a stray
                // quote than a real multi-line value: report only its line and read the next lines as rows.
                TakeFirstLineOnly(firstNewline, $"quoted field {spanningField + 1} runs onto the next line without forming a well-formed row ({error})");
                return true;
            }

            _row = new Row(_start, textEnd - _start, _nextLineNumber, field, error ?? CheckCountyCode(), anyQuoted);
            _nextLineNumber += 1 + extraLines;
            _start = stop == _end ? _end : stop + 1;
            return true;
        }
    }

    /// <summary>
    /// Nearly every row is one whole line without quotes and with the right number of fields. Such a row is split in
    /// one vectorised pass over the line that finds its separators (and gives up at the first quote), instead of
    /// one search per field: 65 short searches cost a row more than the pass. Anything else (a quote, a wrong field
    /// count, an empty line, a row not yet wholly in the buffer) is left to the general scan, which also words the
    /// errors.
    /// </summary>
    private bool TrySplitPlainRow()
    {
        var rest = _buffer.AsSpan(_start, _end - _start);
        var newline = rest.IndexOf('\n');
        if (newline < 0)
        {
            return false;
        }

        var length = newline > 0 && rest[newline - 1] == '\r' ? newline - 1 : newline;
        if (length == 0)
        {
            return false;
        }

        // The separators are found first, each one's position kept as the start of the field after it; the lengths
        // follow from the starts once the count is known to be right.
        var line = rest[..length];
        var fieldStart = _fieldStart;
        var lastField = _expectedFields - 1;
        var separators = 0;
        var position = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var pipe = Vector256.Create((ushort)'|');
            var quote = Vector256.Create((ushort)'"');
            ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(line));
            for (; position <= line.Length - Vector256<ushort>.Count; position += Vector256<ushort>.Count)
            {
                var block = Vector256.LoadUnsafe(ref first, (nuint)position);
                if (Vector256.EqualsAny(block, quote))
                {
                    return false;
                }

                for (var found = Vector256.Equals(block, pipe).ExtractMostSignificantBits(); found != 0; found &= found - 1)
                {
                    if (separators == lastField)
                    {
                        return false;
                    }

                    fieldStart[++separators] = _start + position + BitOperations.TrailingZeroCount(found) + 1;
                }
            }
        }

        for (; position < line.Length; position++)
        {
            if (line[position] == '"')
            {
                return false;
            }

            if (line[position] == '|')
            {
                if (separators == lastField)
                {
                    return false;
                }

                fieldStart[++separators] = _start + position + 1;
            }
        }

        if (separators != lastField)
        {
            return false;
        }

        fieldStart[0] = _start;
        var fieldLength = _fieldLength;
        for (var field = 0; field < lastField; field++)
        {
            fieldLength[field] = fieldStart[field + 1] - 1 - fieldStart[field];
        }

        fieldLength[lastField] = _start + length - fieldStart[lastField];
        Array.Clear(_fieldEscaped);
        _row = new Row(_start, length, _nextLineNumber, _expectedFields, CheckCountyCode());
        _nextLineNumber++;
        _start += newline + 1;
        return true;
    }

    private string? CheckCountyCode()
    {
        var county = _buffer.AsSpan(_fieldStart[EclrsColumns.CountyCode], _fieldLength[EclrsColumns.CountyCode]);
        if (county.IsWhiteSpace())
        {
            return "county code is blank";
        }

        return county.ContainsAnyExceptInRange('0', '9') ? "county code is not all digits" : null;
    }

    // End of input inside a quoted field: if the row began on the input's last line, that line is the bad row;
    // otherwise only the row's first line is, and the lines after it are read as rows.
    private void TakeUnclosedQuote(int field)
    {
        var error = $"quoted field {field + 1} is never closed";
        var newline = _buffer.AsSpan(_start, _end - _start).IndexOf('\n');
        if (newline >= 0 && _start + newline < _end - 1)
        {
            TakeFirstLineOnly(_start + newline, error);
            return;
        }

        var end = newline >= 0 ? _start + newline : _end;
        if (end > _start && _buffer[end - 1] == '\r')
        {
            end--;
        }

        _row = new Row(_start, end - _start, _nextLineNumber++, field + 1, error);
        _start = _end;
    }

    private void TakeFirstLineOnly(int newline, string error)
    {
        var end = newline > _start && _buffer[newline - 1] == '\r' ? newline - 1 : newline;
        _row = new Row(_start, end - _start, _nextLineNumber++, 0, error);
        _start = newline + 1;
    }

    private void EmitPendingEmptyLine()
    {
        _row = new Row(0, 0, _pendingEmptyLineNumber++, 1, EmptyLineError);
        _pendingEmptyLines--;
    }

    // Moves unconsumed characters to the front of the buffer (growing it when they fill it) and reads more.
    private void Fill()
    {
        var unconsumed = _end - _start;
        if (_start == 0 && _end == _buffer.Length)
        {
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(_buffer.Length * 2, 16));
            _buffer.AsSpan(0, unconsumed).CopyTo(larger);
            ArrayPool<char>.Shared.Return(_buffer);
            _buffer = larger;
        }
        else if (_start > 0)
        {
            _buffer.AsSpan(_start, unconsumed).CopyTo(_buffer);
        }

        _start = 0;
        _end = unconsumed;
        var read = _reader.ReadBlock(_buffer.AsSpan(_end));
        if (read == 0)
        {
            _endOfInput = true;
        }

        _end += read;
    }

    private int FilePosition(int canonicalIndex)
    {
        EnsureGoodRow();
        ArgumentOutOfRangeException.ThrowIfNegative(canonicalIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(canonicalIndex, EclrsColumns.CanonicalCount);
        return _filePositions[canonicalIndex];
    }

    private ReadOnlySpan<char> ValueAt(int position) =>
        _fieldEscaped[position]
            ? _values[position] ??= Materialize(position)
            : _buffer.AsSpan(_fieldStart[position], _fieldLength[position]);

    private string Materialize(int position)
    {
        var value = _buffer.AsSpan(_fieldStart[position], _fieldLength[position]);
        if (value.IsEmpty)
        {
            return string.Empty;
        }

        if (_fieldEscaped[position])
        {
            return value.ToString().Replace("\"\"", "\"", StringComparison.Ordinal);
        }

        var previous = _previousValues[position];
        if (previous is not null && value.SequenceEqual(previous))
        {
            return previous;
        }

        return _previousValues[position] = value.ToString();
    }

    private void EnsureRow()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_hasRow)
        {
            throw new InvalidOperationException("there is no current row: call Read first, and only while it returns true");
        }
    }

    private void EnsureGoodRow()
    {
        EnsureRow();
        if (_row.Error is not null)
        {
            throw new InvalidOperationException($"the row on line {_row.LineNumber} is bad ({_row.Error}); its values cannot be read");
        }
    }

    // Quoted: whether any field was quoted, so the raw text is not simply the values joined by separators.
    private readonly record struct Row(int Start, int Length, int LineNumber, int Fields, string? Error, bool Quoted = false);
}
