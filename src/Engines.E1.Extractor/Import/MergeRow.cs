namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>What the merge needs of every good row: where it was, its checksum and county, and what became of it.</summary>
internal readonly record struct MergeRow(int LineNumber, RowChecksum Checksum, string CountyCode, RowFate Fate)
{
    public bool IsNew => Fate == RowFate.New;
}

internal enum RowFate : byte
{
    /// <summary>Copied into test_results; new unless another replica claims its checksum first.</summary>
    New,

    /// <summary>Found in the dedup memory by a lookup, which recorded its sighting.</summary>
    Known,

    /// <summary>Not copied, with no sighting yet: repeated inside the file, or still held by a file being replayed.</summary>
    Repeated,
}
