using Viaduct.Testing;

namespace Viaduct.Cli.Tests.Support;

/// <summary>Rows put straight into a test database, as the engines would leave them.</summary>
internal static class Rows
{
    public static Task AddCountyAsync(ViaductDatabase database, string fips, string domain) =>
        database.ExecuteAsync(
            "INSERT INTO counties (fips, name, domain, location_id, participating, statewide) VALUES ($1, $2, $3, $4, true, false) ON CONFLICT DO NOTHING",
            fips, "County " + fips, domain, "loc-" + fips);

    /// <summary>A person with one index case in <paramref name="fips"/>, in the given post state; returns the case id.</summary>
    public static async Task<long> AddCaseAsync(ViaductDatabase database, string fips, string? postState, string? postError = null, int postedVersion = 0)
    {
        var personId = await database.ScalarAsync<long>(
            "INSERT INTO people (patient_keys, created_by) VALUES ($1, 'test') RETURNING id", (object)new[] { "K-" + Guid.NewGuid().ToString("N") });
        return await database.ScalarAsync<long>("""
            INSERT INTO index_cases (person_id, county_fips, external_id, properties, postable, version, enqueued_version, posted_version,
                post_state, post_error, created_by)
            VALUES ($1, $2, 'P' || $1, '{}', true, 1, 1, $3, $4, $5, 'test') RETURNING id
            """, personId, fips, postedVersion, (object?)postState ?? DBNull.Value, (object?)postError ?? DBNull.Value);
    }

    public static Task<long> AddFileAsync(ViaductDatabase database, string key, string state, string? error = null, long? duplicateOf = null) =>
        database.ScalarAsync<long>("""
            INSERT INTO files (bucket, object_key, etag, state, error, duplicate_of_file_id, row_count, new_count, duplicate_count, bad_count,
                processed_at, failed_at)
            VALUES ('test', $1, 'etag', $2, $3, $4, 10, 7, 2, 1,
                CASE WHEN $2 IN ('processed', 'duplicate') THEN now() END, CASE WHEN $2 = 'failed' THEN now() END)
            RETURNING id
            """, key, state, (object?)error ?? DBNull.Value, (object?)duplicateOf ?? DBNull.Value);
}
