namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// Decides whether a chunk's checksums are worth looking up before its rows are copied. The lookup only
/// saves copying rows seen before (the final claim in abouts decides what is new either way), so in a run
/// of chunks where it finds next to nothing, as in a new export, most chunks skip it; every few chunks
/// are still looked up, so a file that turns into a re-sent window is noticed within a few chunks.
/// </summary>
internal sealed class LookupPolicy
{
    private const double WorthwhileShare = 0.05;
    private const int SampleEvery = 8;
    private int _chunk = -1;
    private bool _worthwhile = true;

    public bool ShouldLookUp()
    {
        _chunk++;
        return _worthwhile || _chunk % SampleEvery == 0;
    }

    public void Record(int rows, int seenBefore) =>
        _worthwhile = rows > 0 && seenBefore >= rows * WorthwhileShare;
}
