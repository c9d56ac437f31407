using System.Buffers.Binary;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Npgsql;
using Viaduct.Engines.E1.Extractor.Replay;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Model;
using Viaduct.Shared.Data.Operations;
using Viaduct.Shared.Data.Sql;
using Viaduct.Shared.Eclrs;

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
    EngineMetrics metrics,
    DedupMemoryVacuum vacuum,
    ILogger<FileImporter> logger)
{
    // Small enough that a chunk's strings die young (a chunk lives while the next one is read), large enough
    // that its checksum lookup is one cheap round trip.
    private const int ChunkSize = 2_000;

    public async Task<ImportOutcome> ImportAsync(long fileId, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginBatch($"file-{fileId}");
        var timer = metrics.StartBatch();
        try
        {
            var outcome = await ImportOnceAsync(fileId, cancellationToken);
            switch (outcome.Status)
            {
                case ImportStatus.Processed:
                    timer.Stop(outcome.Statistics?.Rows ?? 0);
                    await vacuum.AfterImportAsync(fileId, outcome.Statistics?.New ?? 0, cancellationToken);
                    break;
                case ImportStatus.Duplicate:
                    timer.Stop(0);
                    break;
                case ImportStatus.Failed:
                    metrics.RecordFailedItems(1, $"file {fileId} failed: {outcome.Reason}");
                    break;
            }

            return outcome;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.RecordFailure(ex);
            throw;
        }
    }

    private async Task<ImportOutcome> ImportOnceAsync(long fileId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        var target = await MarkProcessingAsync(connection, fileId, cancellationToken);
        if (target is null)
        {
            return new ImportOutcome(fileId, await IsFinishedAsync(connection, fileId, cancellationToken) ? ImportStatus.AlreadyDone : ImportStatus.Busy);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await connection.ScalarAsync<string>("SELECT state FROM files WHERE id = $1 FOR UPDATE SKIP LOCKED", cancellationToken, fileId);
        if (state is null)
        {
            return new ImportOutcome(fileId, ImportStatus.Busy);
        }

        if (state is FileState.Processed or FileState.Duplicate)
        {
            return new ImportOutcome(fileId, ImportStatus.AlreadyDone);
        }

        // Planning and JIT-compiling the set-based statements costs more than it saves at these sizes. The commit is
        // synchronous whatever the server's default: the file's message is deleted once it returns, and until its
        // commit record is on disk no vacuum can mark the new abouts rows all-visible (see DedupMemoryVacuum).
        await connection.ExecuteAsync("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'; SET LOCAL synchronous_commit = on", cancellationToken);

        Log.ImportStarted(logger, fileId, target.Bucket, target.Key);
        var replay = target.Replay ? await ReplayBaseline.LoadAsync(connection, fileId, cancellationToken) : null;
        if (replay is not null)
        {
            Log.ReplayStarted(logger, fileId, replay.Present.Count);
        }

        await using var content = ObjectStream.Open(s3, new GetObjectRequest
        {
            BucketName = target.Bucket,
            Key = target.Key,
            VersionId = target.VersionId,
            EtagToMatch = target.ETag.Length == 0 ? null : $"\"{target.ETag}\"",
        }, cancellationToken);
        var contentLength = await content.ContentLengthAsync();
        using var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        await using var badRows = new BadRowSpool();
        EclrsVersion version;
        MergeRows rows;
        try
        {
            using var eclrs = EclrsReader.Open(text);
            version = eclrs.Version;
            rows = await CopyNewRowsAsync(connection, fileId, eclrs, badRows, contentLength, replay, cancellationToken);
        }
        catch (EclrsFormatException ex)
        {
            // The file itself is unusable (no known header, a line no ECLRS row could be): retrying cannot help.
            await transaction.RollbackAsync(cancellationToken);
            await MarkFailedAsync(fileId, ex.Message, cancellationToken);
            Log.FileRejected(logger, fileId, ex.Message);
            return new ImportOutcome(fileId, ImportStatus.Failed, Reason: ex.Message);
        }

        var sha = await content.Sha256Async();

        // Two files with the same content racing: the lock makes the second wait and then see the first. A processed
        // file being replayed is not 'processed' meanwhile, yet it stays the original of its content.
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock($1)", cancellationToken, BinaryPrimitives.ReadInt64BigEndian(sha));
        var original = await connection.ScalarAsync<long?>("""
            SELECT id FROM files
            WHERE content_sha256 = $1 AND id <> $2
                AND (state = 'processed' OR (replay_requested_at IS NOT NULL AND duplicate_of_file_id IS NULL))
            ORDER BY id LIMIT 1
            """, cancellationToken, sha, fileId);
        if (original is not null)
        {
            // What was copied rolls back: the file is only recorded.
            await transaction.RollbackAsync(cancellationToken);
            await RecordDuplicateAsync(fileId, original.Value, sha, cancellationToken);
            Log.DuplicateFile(logger, fileId, original.Value);
            return new ImportOutcome(fileId, ImportStatus.Duplicate, Reason: $"same content as file {original.Value}");
        }

        var statistics = await RowMerge.MergeAsync(connection, fileId, rows, badRows, cancellationToken);
        await FinishProcessedAsync(connection, fileId, sha, (short)version, content.BytesRead, statistics, target.Replay, cancellationToken);
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
                UPDATE files SET state = 'failed', failed_at = clock_timestamp(), error = $2, claimed_by = $4, replay_requested_at = NULL
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

    /// <param name="Replay">An operator asked for the file to be imported again (<c>viaduct replay-file</c>).</param>
    private sealed record Target(string Bucket, string Key, string ETag, string? VersionId, bool Replay);

    /// <summary>
    /// Reads the file in chunks. While a chunk's checksums are looked up in the dedup memory, the next chunk is
    /// parsed; rows not found there go straight into test_results with one binary COPY, so a row is written
    /// once and a re-sent export sends the database little more than its checksums.
    /// </summary>
    private async Task<MergeRows> CopyNewRowsAsync(
        NpgsqlConnection connection, long fileId, EclrsReader eclrs, BadRowSpool badRows, long contentLength, ReplayBaseline? replay,
        CancellationToken cancellationToken)
    {
        // Sized once from the object's size (rows are rarely under 500 bytes): growing by doubling would
        // reallocate large arrays again and again.
        var seenInFile = new HashSet<RowChecksum>((int)Math.Clamp(contentLength / 500, 1024, 4_000_000));
        // A replayed file's rows that are still stored count as seen in the file: they are not copied again.
        if (replay is not null)
        {
            seenInFile.UnionWith(replay.Present);
        }

        var merged = new MergeRows();
        var scratch = new byte[32];
        var version = (short)eclrs.Version;

        await using var copy = await TestResultCopy.BeginAsync(connection, fileId, version, cancellationToken);
        var policy = new LookupPolicy();
        var counties = new CountyCodes();
        await using var lookups = await LookupPipeline.OpenAsync(dataSource, fileId, replay is not null, ChunkSize, counties, cancellationToken);
        var fresh = new List<int>(ChunkSize);
        while (true)
        {
            if (policy.ShouldLookUp())
            {
                // Parse this chunk while earlier chunks are looked up; a chunk's new rows are copied once its lookup
                // answers, in file order.
                var chunk = ReadChunk(eclrs, badRows, lookups.Rent(), scratch);
                if (chunk.Count == 0)
                {
                    lookups.Return(chunk);
                    break;
                }

                if (lookups.IsFull)
                {
                    await CopyOldestAsync();
                }

                lookups.Start(chunk, cancellationToken);
            }
            else
            {
                await CopyAllLookedUpAsync();

                // Rows that will not be looked up are copied as they are read: no second parse.
                if (CopyStraight(ChunkSize) == 0)
                {
                    break;
                }
            }
        }

        await CopyAllLookedUpAsync();
        await copy.CompleteAsync(cancellationToken);
        return merged;

        async Task CopyOldestAsync()
        {
            var (chunk, known) = await lookups.NextAsync();
            CopyFresh(chunk, known);
            lookups.Return(chunk);
        }

        async Task CopyAllLookedUpAsync()
        {
            while (!lookups.IsEmpty)
            {
                await CopyOldestAsync();
            }
        }

        void CopyFresh(RowChunk chunk, bool[] knownRows)
        {
            fresh.Clear();
            var knownCount = 0;
            for (var i = 0; i < chunk.Count; i++)
            {
                var checksum = chunk.Checksum(i);
                var fate = knownRows[i] ? RowFate.Known : seenInFile.Add(checksum) ? RowFate.New : RowFate.Repeated;
                if (fate == RowFate.New)
                {
                    fresh.Add(i);
                }
                else if (fate == RowFate.Known)
                {
                    knownCount++;
                }

                merged.Add(new MergeRow(chunk.LineNumber(i), checksum, chunk.CountyCode(i), fate));
            }

            policy.Record(chunk.Count, knownCount);

            if (fresh.Count > 0)
            {
                using var again = chunk.OpenRows(fresh, eclrs.Version);
                foreach (var index in fresh)
                {
                    again.Read();
                    copy.Write(again, chunk.LineNumber(index), chunk.Checksum(index));
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        int CopyStraight(int rows)
        {
            var read = 0;
            while (read < rows && eclrs.Read())
            {
                read++;
                if (badRows.KeepIfBad(eclrs))
                {
                    continue;
                }

                eclrs.WriteChecksum(scratch);
                var checksum = RowChecksum.From(scratch);
                var isNew = seenInFile.Add(checksum);
                if (isNew)
                {
                    copy.Write(eclrs, eclrs.LineNumber, checksum);
                }

                merged.Add(new MergeRow(eclrs.LineNumber, checksum, counties.Of(eclrs.GetSpan(EclrsColumns.CountyCode)), isNew ? RowFate.New : RowFate.Repeated));
            }

            cancellationToken.ThrowIfCancellationRequested();
            return read;
        }
    }

    private static RowChunk ReadChunk(EclrsReader eclrs, BadRowSpool badRows, RowChunk chunk, byte[] scratch)
    {
        chunk.Clear();
        while (chunk.Count < ChunkSize && eclrs.Read())
        {
            if (!badRows.KeepIfBad(eclrs))
            {
                chunk.Add(eclrs, scratch);
            }
        }

        return chunk;
    }

    private async Task<Target?> MarkProcessingAsync(NpgsqlConnection connection, long fileId, CancellationToken cancellationToken)
    {
        // Committed on its own so operators see who is working on the file; the row lock taken next is the claim.
        await using var command = NpgsqlExecution.Command(connection, """
            WITH claimed AS (
                UPDATE files SET state = 'processing', processing_at = clock_timestamp(), claimed_by = $2, attempts = attempts + 1
                WHERE id IN (SELECT id FROM files WHERE id = $1 AND state = ANY($3) FOR UPDATE SKIP LOCKED)
                RETURNING id, bucket, object_key, etag, version_id, replay_requested_at IS NOT NULL AS replay),
            recorded AS (
                INSERT INTO events (engine, host, subject_type, subject_id, kind)
                SELECT $4, $2, 'file', id, 'processing' FROM claimed)
            SELECT bucket, object_key, etag, version_id, replay FROM claimed
            """, fileId, identity.Host, FileState.Claimable, identity.Engine);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new Target(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4));
    }

    private static async Task<bool> IsFinishedAsync(NpgsqlConnection connection, long fileId, CancellationToken cancellationToken)
    {
        var state = await connection.ScalarAsync<string>("SELECT state FROM files WHERE id = $1", cancellationToken, fileId);
        return state is null or FileState.Processed or FileState.Duplicate;
    }

    private async Task FinishProcessedAsync(
        NpgsqlConnection connection, long fileId, byte[] sha, short version, long bytes, FileStatistics statistics, bool replay,
        CancellationToken cancellationToken)
    {
        // A replay's figures replace the file's (new: the rows it brought back); the first import's stay in its event.
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                UPDATE files SET state = 'processed', processed_at = clock_timestamp(), content_sha256 = $2, eclrs_version = $3,
                    size_bytes = coalesce(size_bytes, $4), row_count = $5, new_count = $6, duplicate_count = $7, bad_count = $8,
                    county_stats = $9::jsonb, error = NULL, replay_requested_at = NULL
                WHERE id = $1
                """, fileId, sha, version, bytes, statistics.Rows, statistics.New, statistics.Duplicate, statistics.Bad, statistics.CountiesJson()),
            new SqlStatement("""
                INSERT INTO events (engine, host, subject_type, subject_id, kind, detail)
                VALUES ($1, $2, 'file', $3, 'processed', jsonb_build_object('rows', $4, 'new', $5, 'duplicate', $6, 'bad', $7)
                    || CASE WHEN $8 THEN '{"replay": true}'::jsonb ELSE '{}'::jsonb END)
                """, identity.Engine, identity.Host, fileId, statistics.Rows, statistics.New, statistics.Duplicate, statistics.Bad, replay),
            new SqlStatement("SELECT pg_notify($1, $2::text) WHERE $3 > 0", Shared.Data.Notifications.TestResultsReady, fileId, statistics.New));
    }

    private async Task RecordDuplicateAsync(long fileId, long originalId, byte[] sha, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                UPDATE files SET state = 'duplicate', processed_at = clock_timestamp(), content_sha256 = $2,
                    duplicate_of_file_id = $3, error = NULL, replay_requested_at = NULL
                WHERE id = $1
                """, fileId, sha, originalId),
            new SqlStatement("""
                INSERT INTO events (engine, host, subject_type, subject_id, kind, detail)
                VALUES ($1, $2, 'file', $3, 'duplicate', jsonb_build_object('duplicate_of', $4))
                """, identity.Engine, identity.Host, fileId, originalId));
    }
}
