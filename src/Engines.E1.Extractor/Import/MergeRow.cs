namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>What the merge needs of every good row: where it was, its checksum and county, and whether it was copied as new.</summary>
internal readonly record struct MergeRow(int LineNumber, RowChecksum Checksum, string CountyCode, bool IsNew);
