using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Shared.Data.Operations;

/// <summary>
/// Every <see cref="OperationsOptions.ReportInterval"/>: reads the engine's backlog for its gauges and writes the host's
/// row in <c>engine_hosts</c>, where the operator page and <c>viaduct status</c> find every replica's throughput and
/// last error. A failed report is logged and retried at the next tick; it never stops the engine.
/// </summary>
public sealed partial class EngineStatusReporter(
    NpgsqlDataSource dataSource,
    EngineMetrics metrics,
    IOptions<OperationsOptions> options,
    TimeProvider time,
    ILogger<EngineStatusReporter> logger) : BackgroundService
{
    private readonly OperationsOptions _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        EngineLoop.RunAsync(
            async ct => { await ReportAsync(ct); return false; },
            _options.ReportInterval, _options.ReportInterval * 6, time,
            (ex, failures, pause) => ReportFailed(logger, ex, failures, pause), stoppingToken);

    /// <summary>One report: the backlog reading, then the host's row.</summary>
    public async Task ReportAsync(CancellationToken cancellationToken)
    {
        metrics.SetBacklog(await Backlog.ReadAsync(dataSource, metrics.Identity.Engine, cancellationToken));
        var tallies = metrics.Snapshot();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                INSERT INTO engine_hosts AS h (engine, host, started_at, seen_at, items_processed, failures, items_per_minute, last_error, last_error_at)
                VALUES ($1, $2, $3, now(), $4, $5, $6, $7, $8)
                ON CONFLICT (engine, host) DO UPDATE SET
                    seen_at = now(), items_processed = excluded.items_processed, failures = excluded.failures,
                    items_per_minute = excluded.items_per_minute, last_error = excluded.last_error, last_error_at = excluded.last_error_at
                """,
                metrics.Identity.Engine, metrics.Identity.Host, metrics.StartedAt.UtcDateTime,
                tallies.ItemsProcessed, tallies.Failures, tallies.ItemsPerMinute,
                tallies.LastError, tallies.LastErrorAt?.UtcDateTime),
            new SqlStatement("DELETE FROM engine_hosts WHERE engine = $1 AND seen_at < now() - $2::interval",
                metrics.Identity.Engine, _options.ForgetHostsAfter));
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Status report failed ({Failures} in a row); next try in {Pause}")]
    private static partial void ReportFailed(ILogger logger, Exception exception, int failures, TimeSpan pause);
}
