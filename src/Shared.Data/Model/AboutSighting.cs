namespace Viaduct.Shared.Data.Model;

/// <summary>
/// The rows of one file that were seen before (<c>about_sightings</c>): their checksums, 32 bytes each,
/// end to end in one value. An import records this in one insert instead of rewriting hundreds of thousands
/// of abouts rows; E1's last-seen compactor folds sightings into abouts' last-seen file and time, one update
/// per row however many exports repeated it in between.
/// </summary>
public sealed class AboutSighting
{
    public long Id { get; set; }
    public long FileId { get; set; }
    public DateTime SeenAt { get; set; }
    public int RowCount { get; set; }
    public required byte[] Checksums { get; set; }
}
