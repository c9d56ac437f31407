using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Viaduct.Engines.E1.Extractor.Eclrs;
using Viaduct.Shared.Data;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Model;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// Imports one registered file completely or not at all. The whole import is one transaction that holds
/// the file's row lock: a second replica skips the file while it runs, and a replica that dies mid-file
/// leaves nothing behind but a rolled-back transaction, so the next attempt starts clean.
/// </summary>
public sealed class FileImporter(
    NpgsqlDataSource dataSource,
    IAmazonS3 s3,
    EngineIdentity identity,
    ILogger<FileImporter> logger)
{
    private const string UnknownCounty = "unknown";

    public async Task<ImportOutcome> ImportAsync(long fileId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        var target = await MarkProcessingAsync(connection, fileId, cancellationToken);
        if (target is null)
        {
            return new ImportOutcome(fileId, await IsFinishedAsync(connection, fileId, cancellationToken) ? ImportStatus.AlreadyDone : ImportStatus.Busy);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await LockAsync(connection, fileId, cancellationToken);
        if (state is null)
        {
            return new ImportOutcome(fileId, ImportStatus.Busy);
        }

        if (state is FileState.Processed or FileState.Duplicate)
        {
            return new ImportOutcome(fileId, ImportStatus.AlreadyDone);
        }

        Log.ImportStarted(logger, fileId, target.Bucket, target.Key);
        using var response = await s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = target.Bucket,
            Key = target.Key,
            VersionId = target.VersionId,
            EtagToMatch = target.ETag.Length == 0 ? null : $"\"{target.ETag}\"",
        }, cancellationToken);
        await using var content = new Sha256ReadStream(response.ResponseStream);
        using var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);

        EclrsVersion version;
        try
        {
            using var eclrs = EclrsReader.Open(text);
            version = eclrs.Version;
            await StageAsync(connection, eclrs, cancellationToken);
        }
        catch (EclrsFormatException ex)
        {
            // The file itself is unusable (no known header, a line no ECLRS row could be): retrying cannot help.
            await transaction.RollbackAsync(cancellationToken);
            await MarkFailedAsync(fileId, ex.Message, cancellationToken);
            Log.FileRejected(logger, fileId, ex.Message);
            return new ImportOutcome(fileId, ImportStatus.Failed, Reason: ex.Message);
        }

        var sha = await content.FinishAsync(cancellationToken);

        // Two files with the same content racing: the lock makes the second wait and then see the first.
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock($1)", cancellationToken, BinaryPrimitives.ReadInt64BigEndian(sha));
        var original = await connection.ScalarAsync<long?>(
            "SELECT id FROM files WHERE content_sha256 = $1 AND state = 'processed' AND id <> $2 LIMIT 1",
            cancellationToken, sha, fileId);
        if (original is not null)
        {
            await FinishDuplicateAsync(connection, fileId, original.Value, sha, (short)version, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Log.DuplicateFile(logger, fileId, original.Value);
            return new ImportOutcome(fileId, ImportStatus.Duplicate, Reason: $"same content as file {original.Value}");
        }

        var statistics = await MergeAsync(connection, fileId, (short)version, cancellationToken);
        await FinishProcessedAsync(connection, fileId, sha, (short)version, content.BytesRead, statistics, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Log.ImportFinished(logger, fileId, statistics.Rows, statistics.New, statistics.Duplicate, statistics.Bad);
        return new ImportOutcome(fileId, ImportStatus.Processed, statistics);
    }

    /// <summary>Records a failure that will not go away by retrying, or the last of too many attempts.</summary>
    public async Task MarkFailedAsync(long fileId, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync("""
            WITH failed AS (
                UPDATE files SET state = 'failed', failed_at = now(), error = $2, claimed_by = $4
                WHERE id = $1 AND state NOT IN ('processed', 'duplicate')
                RETURNING id)
            INSERT INTO events (engine, host, subject_type, subject_id, kind, detail)
            SELECT $3, $4, 'file', id, 'failed', jsonb_build_object('reason', $2::text) FROM failed
            """, cancellationToken, fileId, reason, identity.Engine, identity.Host);
    }

    /// <summary>Keeps the latest error of an attempt that will be retried, without giving up on the file.</summary>
    public async Task RecordErrorAsync(long fileId, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync("""
            WITH noted AS (
                UPDATE files SET error = $2 WHERE id = $1 AND state NOT IN ('processed', 'duplicate') RETURNING id)
            INSERT INTO events (engine, host, subject_type, subject_id, kind, detail)
            SELECT $3, $4, 'file', id, 'attempt_failed', jsonb_build_object('reason', $2::text) FROM noted
            """, cancellationToken, fileId, reason, identity.Engine, identity.Host);
    }

    private sealed record Target(string Bucket, string Key, string ETag, string? VersionId);

    private async Task<Target?> MarkProcessingAsync(NpgsqlConnection connection, long fileId, CancellationToken cancellationToken)
    {
        // Committed on its own so operators see who is working on the file; the row lock taken next is the claim.
        await using var command = new NpgsqlCommand("""
            WITH claimed AS (
                UPDATE files SET state = 'processing', processing_at = now(), claimed_by = $2, attempts = attempts + 1
                WHERE id IN (SELECT id FROM files WHERE id = $1 AND state = ANY($3) FOR UPDATE SKIP LOCKED)
                RETURNING id, bucket, object_key, etag, version_id),
            recorded AS (
                INSERT INTO events (engine, host, subject_type, subject_id, kind)
                SELECT $4, $2, 'file', id, 'processing' FROM claimed)
            SELECT bucket, object_key, etag, version_id FROM claimed
            """, connection);
        command.Parameters.Add(new() { Value = fileId });
        command.Parameters.Add(new() { Value = identity.Host });
        command.Parameters.Add(new() { Value = FileState.Claimable });
        command.Parameters.Add(new() { Value = identity.Engine });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new Target(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    private static async Task<string?> LockAsync(NpgsqlConnection connection, long fileId, CancellationToken cancellationToken) =>
        await connection.ScalarAsync<string>("SELECT state FROM files WHERE id = $1 FOR UPDATE SKIP LOCKED", cancellationToken, fileId);

    private static async Task<bool> IsFinishedAsync(NpgsqlConnection connection, long fileId, CancellationToken cancellationToken)
    {
        var state = await connection.ScalarAsync<string>("SELECT state FROM files WHERE id = $1", cancellationToken, fileId);
        return state is null or FileState.Processed or FileState.Duplicate;
    }

    private static async Task StageAsync(NpgsqlConnection connection, EclrsReader eclrs, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync($"""
            CREATE TEMP TABLE e1_stage (
                line_number int NOT NULL, checksum bytea, reason text, raw_data text NOT NULL, county_code text,
                {StagedColumns.Definitions}) ON COMMIT DROP
            """, cancellationToken);

        var checksum = new byte[32];
        await using var copy = await connection.BeginBinaryImportAsync(
            $"COPY e1_stage (line_number, checksum, reason, raw_data, county_code, {StagedColumns.NameList}) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        var fields = StagedColumns.Fields;
        while (eclrs.Read())
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(eclrs.LineNumber, NpgsqlDbType.Integer, cancellationToken);
            if (eclrs.Error is { } error)
            {
                await copy.WriteNullAsync(cancellationToken);
                await copy.WriteAsync(error, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(eclrs.RawLine, NpgsqlDbType.Text, cancellationToken);
                for (var i = 0; i <= fields.Count; i++)
                {
                    await copy.WriteNullAsync(cancellationToken);
                }

                continue;
            }

            eclrs.WriteChecksum(checksum);
            await copy.WriteAsync(checksum, NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteNullAsync(cancellationToken);
            await copy.WriteAsync(eclrs.RawLine, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(eclrs[EclrsColumns.CountyCode], NpgsqlDbType.Text, cancellationToken);
            for (var i = 0; i < fields.Count; i++)
            {
                var column = fields[i];
                var value = eclrs[column.Field];
                switch (column.Kind)
                {
                    case StagedKind.Timestamp when EclrsValue.ParseTimestampUtc(value) is { } at:
                        await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
                        break;
                    case StagedKind.Date when EclrsValue.ParseDate(value) is { } date:
                        await copy.WriteAsync(date, NpgsqlDbType.Date, cancellationToken);
                        break;
                    case StagedKind.Text when value.Length > 0:
                        await copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
                        break;
                    default:
                        await copy.WriteNullAsync(cancellationToken);
                        break;
                }
            }
        }

        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Set-based dedup. The first occurrence of each checksum in the file is offered to abouts; the rows the
    /// insert actually took are the new ones. Inserting in checksum order keeps two replicas importing
    /// overlapping exports from deadlocking on each other's index entries.
    /// </summary>
    private static async Task<FileStatistics> MergeAsync(NpgsqlConnection connection, long fileId, short version, CancellationToken cancellationToken)
    {
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                INSERT INTO bad_rows (file_id, line_number, raw_data, reason)
                SELECT $1, line_number, raw_data, reason FROM e1_stage WHERE reason IS NOT NULL
                """, fileId),
            new SqlStatement("""
                CREATE TEMP TABLE e1_firsts ON COMMIT DROP AS
                SELECT checksum, min(line_number) AS line_number FROM e1_stage WHERE reason IS NULL GROUP BY checksum
                """),
            new SqlStatement($"""
                WITH taken AS (
                    INSERT INTO abouts (checksum, first_file_id, last_file_id, first_seen_at, last_seen_at)
                    SELECT checksum, $1, $1, now(), now() FROM e1_firsts ORDER BY checksum
                    ON CONFLICT (checksum) DO NOTHING
                    RETURNING checksum)
                INSERT INTO test_results (file_id, line_number, checksum, eclrs_version, county_code, raw_data, {StagedColumns.NameList})
                SELECT $1, s.line_number, s.checksum, $2, s.county_code, s.raw_data, {StagedColumns.Prefixed("s")}
                FROM e1_stage s
                JOIN e1_firsts f ON f.checksum = s.checksum AND f.line_number = s.line_number
                JOIN taken t ON t.checksum = s.checksum
                ORDER BY s.line_number
                """, fileId, version),
            new SqlStatement("""
                UPDATE abouts a SET last_file_id = $1, last_seen_at = now()
                FROM e1_firsts f
                WHERE a.checksum = f.checksum AND a.last_file_id <> $1
                """, fileId));

        var counties = new Dictionary<string, CountyStatistics>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            SELECT coalesce(s.county_code, $2) AS county,
                   count(*) FILTER (WHERE s.reason IS NULL)::int AS good,
                   count(*) FILTER (WHERE s.reason IS NOT NULL)::int AS bad,
                   coalesce(max(n.new), 0)::int AS new
            FROM e1_stage s
            LEFT JOIN (SELECT county_code, count(*) AS new FROM test_results WHERE file_id = $1 GROUP BY county_code) n
                ON n.county_code = s.county_code
            GROUP BY 1
            """, connection))
        {
            command.Parameters.Add(new() { Value = fileId });
            command.Parameters.Add(new() { Value = UnknownCounty });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var good = reader.GetInt32(1);
                var bad = reader.GetInt32(2);
                var fresh = reader.GetInt32(3);
                counties[reader.GetString(0)] = new CountyStatistics(good + bad, fresh, good - fresh, bad);
            }
        }

        return new FileStatistics(
            counties.Values.Sum(c => c.Rows),
            counties.Values.Sum(c => c.New),
            counties.Values.Sum(c => c.Duplicate),
            counties.Values.Sum(c => c.Bad),
            counties);
    }

    private async Task FinishProcessedAsync(
        NpgsqlConnection connection, long fileId, byte[] sha, short version, long bytes, FileStatistics statistics, CancellationToken cancellationToken)
    {
        var countyJson = JsonSerializer.Serialize(statistics.Counties.ToDictionary(
            c => c.Key,
            c => new { rows = c.Value.Rows, @new = c.Value.New, duplicate = c.Value.Duplicate, bad = c.Value.Bad }));
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                UPDATE files SET state = 'processed', processed_at = now(), content_sha256 = $2, eclrs_version = $3,
                    size_bytes = coalesce(size_bytes, $4), row_count = $5, new_count = $6, duplicate_count = $7, bad_count = $8,
                    county_stats = $9::jsonb, error = NULL
                WHERE id = $1
                """, fileId, sha, version, bytes, statistics.Rows, statistics.New, statistics.Duplicate, statistics.Bad, countyJson),
            new SqlStatement("""
                INSERT INTO events (engine, host, subject_type, subject_id, kind, detail)
                VALUES ($1, $2, 'file', $3, 'processed', jsonb_build_object('rows', $4, 'new', $5, 'duplicate', $6, 'bad', $7))
                """, identity.Engine, identity.Host, fileId, statistics.Rows, statistics.New, statistics.Duplicate, statistics.Bad),
            new SqlStatement("SELECT pg_notify($1, $2::text) WHERE $3 > 0", Notifications.TestResultsReady, fileId, statistics.New));
    }

    private async Task FinishDuplicateAsync(
        NpgsqlConnection connection, long fileId, long originalId, byte[] sha, short version, CancellationToken cancellationToken)
    {
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                UPDATE files SET state = 'duplicate', processed_at = now(), content_sha256 = $2, eclrs_version = $3,
                    duplicate_of_file_id = $4, error = NULL
                WHERE id = $1
                """, fileId, sha, version, originalId),
            new SqlStatement("""
                INSERT INTO events (engine, host, subject_type, subject_id, kind, detail)
                VALUES ($1, $2, 'file', $3, 'duplicate', jsonb_build_object('duplicate_of', $4))
                """, identity.Engine, identity.Host, fileId, originalId));
    }
}
