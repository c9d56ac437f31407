using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Viaduct.Shared.Eclrs;

namespace Viaduct.Testing;

/// <summary>
/// Puts test results in the database as E1 leaves them (a processed file and its rows), for tests that are about
/// E2 alone. The end-to-end test runs the real E1 instead.
/// </summary>
public static class StoredResults
{
    /// <summary>Stores <paramref name="rawRows"/> (v3 rows) as one file's results; returns their ids in order.</summary>
    public static async Task<long[]> AddAsync(ViaductDatabase database, params string[] rawRows)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(rawRows);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var key = "inbox/" + Guid.NewGuid().ToString("N") + ".txt";
        long fileId;
        await using (var file = new NpgsqlCommand(
            "INSERT INTO files (bucket, object_key, etag, state, eclrs_version) VALUES ('test', $1, 'etag', 'processed', 3) RETURNING id", connection))
        {
            file.Parameters.Add(new NpgsqlParameter { Value = key });
            fileId = (long)(await file.ExecuteScalarAsync())!;
        }

        long[] ids;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO test_results (file_id, line_number, checksum, eclrs_version, county_code, raw_data)
            SELECT $1, line, checksum, 3, county_code, raw_data
            FROM unnest($2::int[], $3::bytea[], $4::text[], $5::text[]) AS u(line, checksum, county_code, raw_data)
            ORDER BY line
            RETURNING id
            """, connection))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = fileId });
            insert.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(2, rawRows.Length).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = rawRows.Select(r => SHA256.HashData(Encoding.UTF8.GetBytes(r + key))).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = rawRows.Select(CountyCodeOf).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = rawRows });
            var list = new List<long>(rawRows.Length);
            await using var reader = await insert.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                list.Add(reader.GetInt64(0));
            }

            ids = [.. list.Order()];
        }

        await transaction.CommitAsync();
        return ids;
    }

    private static string CountyCodeOf(string rawRow)
    {
        using var text = new StringReader(rawRow);
        using var reader = EclrsReader.OpenRows(text, EclrsVersion.V3);
        return reader.Read() && reader.Error is null ? reader[EclrsColumns.CountyCode] : "0";
    }
}
