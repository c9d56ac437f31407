namespace Viaduct.Shared.Data.Model;

/// <summary>
/// The dedup memory (<c>abouts</c>): one row per row checksum ever imported, with the first and the
/// last file it was seen in.
/// </summary>
public sealed class About
{
    public required byte[] Checksum { get; set; }
    public long FirstFileId { get; set; }
    public long LastFileId { get; set; }
    public DateTime FirstSeenAt { get; set; }
    public DateTime LastSeenAt { get; set; }
}
