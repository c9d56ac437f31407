using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// Folds recorded sightings into abouts' last-seen file and time. The sightings of a batch of processed files
/// are claimed with SKIP LOCKED (any number of replicas may run this), their checksums expanded, the latest
/// sighting of each row applied with one update, and the sightings deleted, all in one short transaction.
/// Several exports that repeat a row since the last run cost that row one update, not one per export.
/// Sightings are recorded while a file is imported (see <see cref="KnownChecksums"/>), so those of a file still
/// being imported wait, and those of a file that ended failed or as a duplicate are dropped: its rows were not
/// seen in any file that counts.
/// </summary>
public sealed class LastSeenCompactor(
    NpgsqlDataSource dataSource,
    IOptions<E1Options> options,
    TimeProvider time,
    ILogger<LastSeenCompactor> logger) : BackgroundService
{
    private readonly E1Options _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _options.CompactorEnabled
            ? EngineLoop.RunAsync(
                async ct => await CompactOnceAsync(ct) > 0, _options.CompactInterval, _options.MaxErrorBackoff, time,
                (ex, failures, pause) => Log.CompactionFailed(logger, ex, failures, pause), stoppingToken)
            : Task.CompletedTask;

    /// <summary>Applies the sightings of one batch of processed files. Returns how many files' sightings it applied.</summary>
    public async Task<int> CompactOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'", cancellationToken);
        await using var command = NpgsqlExecution.Command(connection, """
            WITH ready AS (
                SELECT DISTINCT s.file_id FROM about_sightings s JOIN files f ON f.id = s.file_id
                WHERE f.state = 'processed'
                ORDER BY s.file_id LIMIT $1),
            claimed AS (
                DELETE FROM about_sightings
                WHERE id IN (SELECT id FROM about_sightings WHERE file_id IN (SELECT file_id FROM ready) FOR UPDATE SKIP LOCKED)
                RETURNING id, file_id, seen_at, checksums),
            discarded AS (
                DELETE FROM about_sightings s USING files f
                WHERE f.id = s.file_id AND f.state IN ('failed', 'duplicate')
                RETURNING s.id),
            latest AS (
                SELECT DISTINCT ON (checksum) checksum, file_id, seen_at
                FROM (
                    SELECT substring(c.checksums FROM i * 32 + 1 FOR 32) AS checksum, c.file_id, c.seen_at, c.id
                    FROM claimed c, generate_series(0, length(c.checksums) / 32 - 1) AS i) expanded
                ORDER BY checksum, seen_at DESC, id DESC),
            updated AS (
                UPDATE abouts a SET last_file_id = latest.file_id, last_seen_at = latest.seen_at
                FROM latest
                WHERE a.checksum = latest.checksum AND a.last_seen_at <= latest.seen_at
                RETURNING 1)
            SELECT (SELECT count(DISTINCT file_id) FROM claimed), (SELECT count(*) FROM updated), (SELECT count(*) FROM discarded)
            """, _options.CompactBatchFiles);
        long files, rows, discarded;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            files = reader.GetInt64(0);
            rows = reader.GetInt64(1);
            discarded = reader.GetInt64(2);
        }

        await transaction.CommitAsync(cancellationToken);
        if (files == 0 && discarded == 0)
        {
            return 0;
        }

        Log.Compacted(logger, files, rows, discarded);
        return (int)files;
    }
}
