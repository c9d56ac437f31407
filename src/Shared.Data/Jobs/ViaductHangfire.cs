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

    /// <summary>
    /// Storage options for every Viaduct process: the schema is installed by the migrate command, never at start-up;
    /// the poll interval is short because a posting job should start within a fraction of a second.
    /// </summary>
    public static PostgreSqlStorageOptions StorageOptions(TimeSpan queuePollInterval) => new()
    {
        SchemaName = Schema,
        PrepareSchemaIfNecessary = false,
        QueuePollInterval = queuePollInterval,
    };

    /// <summary>A storage on <paramref name="connectionString"/>.</summary>
    public static PostgreSqlStorage Storage(string connectionString, TimeSpan queuePollInterval) =>
        new(new NpgsqlConnectionFactory(connectionString, StorageOptions(queuePollInterval)), StorageOptions(queuePollInterval));

    /// <summary>Creates or upgrades Hangfire's schema (idempotent); called by the migrate command.</summary>
    public static void InstallSchema(NpgsqlConnection connection) => PostgreSqlObjectsInstaller.Install(connection, Schema);
}
