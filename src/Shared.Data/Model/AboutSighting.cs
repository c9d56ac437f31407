namespace Viaduct.Shared.Data.Model;

/// <summary>
/// Rows of a file that were seen before (<c>about_sightings</c>): their checksums, 32 bytes each, end to end
/// in one value; an import records one per looked-up chunk instead of rewriting hundreds of thousands of
/// abouts rows. E1's last-seen compactor folds the sightings of processed files into abouts' last-seen file
/// and time, one update per row however many exports repeated it in between, and drops those of files that
/// ended failed or as duplicates.
/// </summary>
public sealed class AboutSighting
{
    public long Id { get; set; }
    public long FileId { get; set; }
    public DateTime SeenAt { get; set; }
    public int RowCount { get; set; }
    public required byte[] Checksums { get; set; }
}
