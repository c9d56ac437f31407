using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// Folds recorded sightings into abouts' last-seen file and time. A batch of files is claimed with SKIP
/// LOCKED (any number of replicas may run this), its checksums expanded, the latest sighting of each row
/// applied with one update, and the sightings deleted, all in one short transaction. Several exports that
/// repeat a row since the last run cost that row one update, not one per export.
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

    /// <summary>Applies one batch of sightings. Returns how many files' sightings it applied.</summary>
    public async Task<int> CompactOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'", cancellationToken);
        await using var command = NpgsqlExecution.Command(connection, """
            WITH claimed AS (
                DELETE FROM about_sightings
                WHERE id IN (SELECT id FROM about_sightings ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
                RETURNING id, file_id, seen_at, checksums),
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
            SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM updated)
            """, _options.CompactBatchFiles);
        long files, rows;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            files = reader.GetInt64(0);
            rows = reader.GetInt64(1);
        }

        await transaction.CommitAsync(cancellationToken);
        if (files == 0)
        {
            return 0;
        }

        Log.Compacted(logger, files, rows);
        return (int)files;
    }
}
