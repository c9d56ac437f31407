using System.Text.Json;
using Npgsql;

namespace Viaduct.Cli;

/// <summary>A files row as operators read it.</summary>
internal sealed record FileStatus(
    long Id, string Key, string State, int Rows, int New, int Duplicate, int Bad, long? DuplicateOf, string? Error,
    DateTime ReceivedAt, DateTime? ProcessingAt, DateTime? FinishedAt, IReadOnlyDictionary<string, JsonElement> Counties)
{
    public bool IsFinished => State is "processed" or "duplicate" or "failed";
}

internal static class FileStatusReader
{
    private const string Columns = """
        id, object_key, state, row_count, new_count, duplicate_count, bad_count, duplicate_of_file_id, error,
        received_at, processing_at, coalesce(processed_at, failed_at), coalesce(county_stats::text, '{}')
        """;

    public static async Task<IReadOnlyList<FileStatus>> RecentAsync(NpgsqlDataSource dataSource, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM files ORDER BY id DESC LIMIT $1");
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await ReadAsync(command, cancellationToken);
    }

    public static async Task<FileStatus?> ByKeyAsync(NpgsqlDataSource dataSource, string bucket, string key, string etag, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM files WHERE bucket = $1 AND object_key = $2 AND etag = $3");
        command.Parameters.Add(new NpgsqlParameter { Value = bucket });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = etag });
        var files = await ReadAsync(command, cancellationToken);
        return files.Count == 0 ? null : files[0];
    }

    private static async Task<IReadOnlyList<FileStatus>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var files = new List<FileStatus>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var counties = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(reader.GetString(12)) ?? [];
            files.Add(new FileStatus(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5),
                reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetDateTime(9), reader.IsDBNull(10) ? null : reader.GetDateTime(10), reader.IsDBNull(11) ? null : reader.GetDateTime(11),
                counties));
        }

        return files;
    }
}
