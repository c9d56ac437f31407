namespace Viaduct.Engines.E2.Transformer.Counties;

/// <summary>
/// One entry of the county file: a New York county (or the statewide entry) and the CommCare project space its
/// cases are posted to.
/// </summary>
/// <param name="Fips">The county's FIPS code as PIDCOUNTYCODE gives it, such as <c>36001</c>.</param>
/// <param name="Name">The display name, such as <c>Albany</c>.</param>
/// <param name="Domain">The CommCare project space (domain), such as <c>ny-albany-cdcms</c>.</param>
/// <param name="LocationId">The CommCare location that owns the county's cases (a case's <c>owner_id</c>).</param>
/// <param name="Participating">Whether the county's cases are posted; a non-participating county's results are kept and matched only.</param>
/// <param name="Statewide">Whether this is the statewide entry, which takes every unknown county code.</param>
public sealed record County(
    string Fips,
    string Name,
    string Domain,
    string LocationId,
    bool Participating,
    bool Statewide);
