using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Support;

/// <summary>Reads what E1 recorded about a file, for assertions.</summary>
public sealed record FileRow(long Id, string State, int Rows, int New, int Duplicate, int Bad, long? DuplicateOf, string? Error)
{
    public static async Task<FileRow> ByKeyAsync(ViaductDatabase database, string key)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var command = database.DataSource.CreateCommand("""
            SELECT id, state, row_count, new_count, duplicate_count, bad_count, duplicate_of_file_id, error
            FROM files WHERE object_key = $1
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = key });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no files row for {key}");
        var row = new FileRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4),
            reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetString(7));
        Assert.False(await reader.ReadAsync(), $"more than one files row for {key}");
        return row;
    }
}
