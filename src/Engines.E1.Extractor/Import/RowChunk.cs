using Viaduct.Shared.Eclrs;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// A chunk of good rows, their text copied into one reused character buffer. Most rows of an export were seen
/// before, so nothing is allocated per row until a lookup says it is new; only new rows are parsed again
/// (<see cref="OpenRows"/>) and turned into strings.
/// </summary>
internal sealed class RowChunk
{
    private readonly List<(int LineNumber, int Start, int Length, RowChecksum Checksum, string CountyCode)> _rows;
    private readonly CountyCodes _counties;
    private char[] _text = new char[1 << 20];
    private int _used;

    public RowChunk(int capacity, CountyCodes counties)
    {
        _rows = new(capacity);
        _counties = counties;
    }

    public int Count => _rows.Count;

    public int LineNumber(int index) => _rows[index].LineNumber;

    public RowChecksum Checksum(int index) => _rows[index].Checksum;

    public string CountyCode(int index) => _rows[index].CountyCode;

    public void Clear()
    {
        _rows.Clear();
        _used = 0;
    }

    public void Add(EclrsReader reader, Span<byte> scratch)
    {
        reader.WriteChecksum(scratch);
        var raw = reader.RawSpan;
        if (_used + raw.Length + 1 > _text.Length)
        {
            Array.Resize(ref _text, Math.Max(_text.Length * 2, _used + raw.Length + 1));
        }

        raw.CopyTo(_text.AsSpan(_used));
        var countyCode = _counties.Of(reader.GetSpan(EclrsColumns.CountyCode));
        _rows.Add((reader.LineNumber, _used, raw.Length, RowChecksum.From(scratch), countyCode));
        _used += raw.Length;
    }

    /// <summary>The rows at <paramref name="indexes"/>, in that order, parsed again from their text.</summary>
    public EclrsReader OpenRows(IReadOnlyList<int> indexes, EclrsVersion version) =>
        EclrsReader.OpenRows(new SelectedRowsReader(this, indexes), version);

    /// <summary>The chosen rows' text, one per line, read straight from the chunk's buffer: no copy, no large string.</summary>
    private sealed class SelectedRowsReader(RowChunk chunk, IReadOnlyList<int> indexes) : TextReader
    {
        private int _index;
        private int _offset;

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            var written = 0;
            while (written < buffer.Length && _index < indexes.Count)
            {
                var row = chunk._rows[indexes[_index]];
                if (_offset < row.Length)
                {
                    var take = Math.Min(row.Length - _offset, buffer.Length - written);
                    chunk._text.AsSpan(row.Start + _offset, take).CopyTo(buffer[written..]);
                    _offset += take;
                    written += take;
                }
                else
                {
                    buffer[written++] = '\n';
                    _index++;
                    _offset = 0;
                }
            }

            return written;
        }

        // TextReader's own ReadBlock(Span) rents and copies through a temporary array as large as the span.
        public override int ReadBlock(Span<char> buffer) => Read(buffer);

        public override int Peek() => throw new NotSupportedException();

        public override int Read() => throw new NotSupportedException();
    }
}
