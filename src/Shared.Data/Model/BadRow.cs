namespace Viaduct.Shared.Data.Model;

/// <summary>A row that could not be used (<c>bad_rows</c>), kept with its physical line number and the reason.</summary>
public sealed class BadRow
{
    public long Id { get; set; }
    public long FileId { get; set; }
    public int LineNumber { get; set; }
    public required string RawData { get; set; }
    public required string Reason { get; set; }
    public DateTime CreatedAt { get; set; }
}
