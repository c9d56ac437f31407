using Npgsql;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>Gives every received object its <c>files</c> row, once, however many times it is announced.</summary>
public sealed class FileRegistry(NpgsqlDataSource dataSource, EngineIdentity identity)
{
    // One statement: a replica racing on the same event waits on the unique index and then finds the row.
    private const string RegisterSql = """
        WITH inserted AS (
            INSERT INTO files (bucket, object_key, etag, version_id, size_bytes)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (bucket, object_key, etag) DO NOTHING
            RETURNING id),
        recorded AS (
            INSERT INTO events (engine, host, subject_type, subject_id, kind)
            SELECT $6, $7, 'file', id, 'received' FROM inserted)
        SELECT id FROM inserted
        UNION ALL
        SELECT id FROM files WHERE bucket = $1 AND object_key = $2 AND etag = $3
        LIMIT 1
        """;

    public async Task<long> RegisterAsync(S3ObjectRef file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        // A racing replica's insert can commit after this statement took its snapshot: then neither branch
        // sees a row, and the next attempt, with a new snapshot, does.
        for (var attempt = 1; ; attempt++)
        {
            await using var command = dataSource.CreateCommand(RegisterSql);
            command.Parameters.Add(new() { Value = file.Bucket });
            command.Parameters.Add(new() { Value = file.Key });
            command.Parameters.Add(new() { Value = S3ObjectRef.NormalizeETag(file.ETag) });
            command.Parameters.Add(new() { Value = (object?)file.VersionId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = (object?)file.Size ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            command.Parameters.Add(new() { Value = identity.Engine });
            command.Parameters.Add(new() { Value = identity.Host });
            if (await command.ExecuteScalarAsync(cancellationToken) is long id)
            {
                return id;
            }

            if (attempt == 3)
            {
                throw new InvalidOperationException($"could not register s3://{file.Bucket}/{file.Key}");
            }
        }
    }

    /// <summary>Of the listed objects, those that have no files row yet.</summary>
    public async Task<IReadOnlyList<S3ObjectRef>> UnknownAsync(IReadOnlyList<S3ObjectRef> objects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objects);
        if (objects.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand("""
            SELECT o.i FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS o(bucket, object_key, etag, i)
            WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.bucket = o.bucket AND f.object_key = o.object_key AND f.etag = o.etag)
            """);
        command.Parameters.Add(new() { Value = objects.Select(o => o.Bucket).ToArray() });
        command.Parameters.Add(new() { Value = objects.Select(o => o.Key).ToArray() });
        command.Parameters.Add(new() { Value = objects.Select(o => S3ObjectRef.NormalizeETag(o.ETag)).ToArray() });
        var unknown = new List<S3ObjectRef>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            unknown.Add(objects[(int)reader.GetInt64(0) - 1]);
        }

        return unknown;
    }

    /// <summary>Files an operator asked to replay that no import holds right now, longest waiting first.</summary>
    public async Task<IReadOnlyList<long>> ReplayRequestedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id FROM files
            WHERE replay_requested_at IS NOT NULL AND state IN ('received', 'processing')
            ORDER BY replay_requested_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED
            """);
        command.Parameters.Add(new() { Value = limit });
        return await ReadIdsAsync(command, cancellationToken);
    }

    /// <summary>Files left unfinished (a replica died, or its event was lost) and older than the grace period.</summary>
    public async Task<IReadOnlyList<long>> AbandonedAsync(TimeSpan gracePeriod, int limit, CancellationToken cancellationToken)
    {
        // SKIP LOCKED passes over files whose import transaction is still running on some replica.
        await using var command = dataSource.CreateCommand("""
            SELECT id FROM files
            WHERE state IN ('received', 'processing') AND received_at < now() - $1
            ORDER BY received_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED
            """);
        command.Parameters.Add(new() { Value = gracePeriod });
        command.Parameters.Add(new() { Value = limit });
        return await ReadIdsAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<long>> ReadIdsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }
}
