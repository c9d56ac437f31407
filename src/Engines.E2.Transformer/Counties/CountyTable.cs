using Npgsql;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Engines.E2.Transformer.Counties;

/// <summary>
/// Writes the county file into <c>counties</c>, where the engines that post and sync read it. Entries are
/// inserted or updated, never deleted: index cases keep pointing at their county.
/// </summary>
public static class CountyTable
{
    public static async Task UpsertAsync(NpgsqlConnection connection, CountyDirectory counties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counties);
        var all = counties.Counties;
        await connection.ExecuteAsync("""
            INSERT INTO counties (fips, name, domain, location_id, participating, statewide)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::boolean[])
            ON CONFLICT (fips) DO UPDATE SET
                name = excluded.name, domain = excluded.domain, location_id = excluded.location_id,
                participating = excluded.participating, statewide = excluded.statewide, updated_at = now()
            WHERE (counties.name, counties.domain, counties.location_id, counties.participating, counties.statewide)
                IS DISTINCT FROM (excluded.name, excluded.domain, excluded.location_id, excluded.participating, excluded.statewide)
            """, cancellationToken,
            all.Select(c => c.Fips).ToArray(), all.Select(c => c.Name).ToArray(), all.Select(c => c.Domain).ToArray(),
            all.Select(c => c.LocationId).ToArray(), all.Select(c => c.Participating).ToArray(), all.Select(c => c.Statewide).ToArray());
    }
}
