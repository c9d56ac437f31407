using Viaduct.Shared.Eclrs;

namespace Viaduct.Samples;

/// <summary>What <see cref="SyntheticEclrs.Write"/> writes.</summary>
public sealed record SyntheticEclrsOptions
{
    /// <summary>Number of data rows (the header line comes on top).</summary>
    public int Rows { get; init; }

    /// <summary>
    /// Index of the first row. Row <c>i</c> is a function of (<see cref="Seed"/>, <c>i</c>) only, so two files of
    /// one seed whose index ranges overlap share exactly the overlapping rows, as exports that repeat a sliding
    /// 14-day window do (see <see cref="SyntheticEclrs.FirstIndexForDuplicateShare"/>).
    /// </summary>
    public long FirstIndex { get; init; }

    /// <summary>Another seed gives other people, labs, results and accession numbers.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The header (and so the field count) of the file.</summary>
    public EclrsVersion Version { get; init; } = EclrsVersion.V3;

    /// <summary>
    /// Share of rows, 0 to 1, that are bad rows: a wrong field count (one missing or one extra) or a county code
    /// that is blank or not all digits. Which rows are bad is also a function of (seed, index).
    /// </summary>
    public double BadRowShare { get; init; }
}
