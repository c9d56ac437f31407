using System.Text.Json;
using Npgsql;

namespace Viaduct.Cli;

/// <summary>One file in full, as <c>upload --wait</c>, <c>replay-file --wait</c> and <c>files ID</c> print it: the list's figures plus per county.</summary>
internal sealed record FileDetail(
    long Id, string Key, string State, int Rows, int New, int Duplicate, int Bad, long? DuplicateOf, string? Error,
    DateTime ReceivedAt, DateTime? ProcessingAt, DateTime? FinishedAt, DateTime? ReplayRequestedAt, string? ClaimedBy, int Attempts,
    IReadOnlyDictionary<string, JsonElement> Counties)
{
    /// <summary>Nothing more will happen to the file unless someone asks for it.</summary>
    public bool IsFinished => State is "processed" or "duplicate" or "failed" && ReplayRequestedAt is null;
}

/// <summary>Reads <see cref="FileDetail"/>; the list of recent files comes from <c>StatusReader.FilesAsync</c>.</summary>
internal static class FileDetails
{
    private const string Columns = """
        id, object_key, state, row_count, new_count, duplicate_count, bad_count, duplicate_of_file_id, error,
        received_at, processing_at, coalesce(processed_at, failed_at), replay_requested_at, claimed_by, attempts,
        coalesce(county_stats::text, '{}')
        """;

    public static async Task<FileDetail?> ByIdAsync(NpgsqlDataSource dataSource, long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM files WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await ReadAsync(command, cancellationToken);
    }

    public static async Task<FileDetail?> ByKeyAsync(NpgsqlDataSource dataSource, string bucket, string key, string etag, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM files WHERE bucket = $1 AND object_key = $2 AND etag = $3");
        command.Parameters.Add(new NpgsqlParameter { Value = bucket });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = etag });
        return await ReadAsync(command, cancellationToken);
    }

    private static async Task<FileDetail?> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new FileDetail(
            reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5),
            reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.GetDateTime(9), reader.IsDBNull(10) ? null : reader.GetDateTime(10), reader.IsDBNull(11) ? null : reader.GetDateTime(11),
            reader.IsDBNull(12) ? null : reader.GetDateTime(12), reader.IsDBNull(13) ? null : reader.GetString(13), reader.GetInt32(14),
            JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(reader.GetString(15)) ?? []);
    }
}
