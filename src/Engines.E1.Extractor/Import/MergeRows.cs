namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// Every good row's merge facts, kept in small blocks: one growing array for a whole file would live on the
/// large object heap and be copied at each doubling, and collecting that heap stalls the import.
/// </summary>
internal sealed class MergeRows
{
    // 1,024 rows of 56 bytes stay under the 85,000-byte large-object threshold.
    private const int BlockSize = 1024;
    private readonly List<MergeRow[]> _blocks = [];
    private int _lastCount = BlockSize;

    public int Count { get; private set; }

    /// <summary>Rows added as <see cref="RowFate.Known"/>.</summary>
    public int Known { get; private set; }

    public void Add(MergeRow row)
    {
        if (_lastCount == BlockSize)
        {
            _blocks.Add(new MergeRow[BlockSize]);
            _lastCount = 0;
        }

        _blocks[^1][_lastCount++] = row;
        Count++;
        Known += row.Fate == RowFate.Known ? 1 : 0;
    }

    public IEnumerable<MergeRow> All()
    {
        for (var b = 0; b < _blocks.Count; b++)
        {
            var block = _blocks[b];
            var count = b == _blocks.Count - 1 ? _lastCount : BlockSize;
            for (var i = 0; i < count; i++)
            {
                yield return block[i];
            }
        }
    }
}
