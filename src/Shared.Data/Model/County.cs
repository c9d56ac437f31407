namespace Viaduct.Shared.Data.Model;

/// <summary>
/// A county and the CommCare project space its cases go to (<c>counties</c>). Written from the county file by E2,
/// read by the engines that post and sync.
/// </summary>
public sealed class County
{
    /// <summary>The FIPS code as PIDCOUNTYCODE gives it, such as <c>36001</c>.</summary>
    public required string Fips { get; set; }

    public required string Name { get; set; }

    /// <summary>The CommCare project space (domain).</summary>
    public required string Domain { get; set; }

    /// <summary>The CommCare location that owns the county's cases (<c>owner_id</c>).</summary>
    public required string LocationId { get; set; }

    /// <summary>Whether the county's cases are posted.</summary>
    public bool Participating { get; set; }

    /// <summary>The one entry that takes every unknown county code.</summary>
    public bool Statewide { get; set; }

    public DateTime UpdatedAt { get; set; }
}
