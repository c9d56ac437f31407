using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace Viaduct.Shared.Data.Jobs;

/// <summary>Where and how the posting jobs are stored: Hangfire's own schema in Viaduct's database.</summary>
public static class ViaductHangfire
{
    public const string Schema = "hangfire";

    /// <summary>The queue the posting jobs go to and E4's workers read.</summary>
    public const string PostingQueue = "posting";

    /// <summary>The invisibility of a fetched job while its server lives (kept up by heartbeats): a job of a server
    /// that died is run again by another after this.</summary>
    public static readonly TimeSpan DefaultInvisibilityTimeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Storage options for every Viaduct process: the schema is installed by the migrate command, never at start-up;
    /// workers poll often, because a posting job should start within a fraction of a second; a running job stays
    /// invisible by heartbeat, so a dead server's jobs come back soon. Long polling (LISTEN for new jobs) stays off:
    /// with Hangfire.PostgreSql 1.21.1 a worker sometimes fetched a job and sat on it until the next job was created
    /// (seen twice in the benchmark's reference runs), which could leave the last job of a burst waiting indefinitely.
    /// </summary>
    public static PostgreSqlStorageOptions StorageOptions(TimeSpan queuePollInterval, TimeSpan? invisibilityTimeout = null) => new()
    {
        SchemaName = Schema,
        PrepareSchemaIfNecessary = false,
        QueuePollInterval = queuePollInterval,
        EnableLongPolling = false,
        UseSlidingInvisibilityTimeout = true,
        InvisibilityTimeout = invisibilityTimeout ?? DefaultInvisibilityTimeout,
    };

    /// <summary>A storage on <paramref name="connectionString"/>.</summary>
    public static PostgreSqlStorage Storage(string connectionString, TimeSpan queuePollInterval, TimeSpan? invisibilityTimeout = null)
    {
        var options = StorageOptions(queuePollInterval, invisibilityTimeout);
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    /// <summary>Creates or upgrades Hangfire's schema (idempotent); called by the migrate command.</summary>
    public static void InstallSchema(NpgsqlConnection connection) => PostgreSqlObjectsInstaller.Install(connection, Schema);
}
