using Npgsql;
using Viaduct.Migrations;

namespace Viaduct.Bench;

/// <summary>A database of its own (<c>viaduct_bench_*</c>), migrated, dropped again on dispose.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    /// <summary>The application name of the benchmark's own connections, so that queries on pg_stat_activity can leave them out.</summary>
    public const string ApplicationName = "viaduct-bench";

    private readonly string _admin;
    private bool _created;

    private BenchDatabase(string admin, string name)
    {
        _admin = admin;
        Name = name;
        EngineConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin)
        {
            Database = name, Pooling = true, MaxPoolSize = 10, ApplicationName = ApplicationName,
        }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string Name { get; }

    /// <summary>The benchmark's own connections.</summary>
    public string ConnectionString { get; }

    /// <summary>For the engine: the admin connection string with only the database changed.</summary>
    public string EngineConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Leave the database in place on dispose (to look into it after a run).</summary>
    public bool Keep { get; set; }

    public static async Task<BenchDatabase> CreateAsync(string adminConnectionString, CancellationToken cancellationToken)
    {
        var database = new BenchDatabase(adminConnectionString, "viaduct_bench_" + BenchCommands.NewId());
        await AdminAsync(adminConnectionString, $"CREATE DATABASE {database.Name}", cancellationToken);
        database._created = true;
        return database;
    }

    /// <summary>
    /// A fresh database for one run: created, migrated, given the <c>--pg-set</c> settings, and named in the report.
    /// Dropped again if any of that fails (unless <paramref name="keep"/>).
    /// </summary>
    public static async Task<BenchDatabase> PrepareAsync(
        string adminConnectionString, bool keep, IReadOnlyList<(string Name, string Value)> settings, BenchReport report,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(report);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var database = await CreateAsync(adminConnectionString, cancellationToken);
        database.Keep = keep;
        try
        {
            await database.MigrateAsync(cancellationToken);
            report.Setting("database", $"{database.Name} (created and migrated in {watch.Elapsed.TotalSeconds.ToString("N2", System.Globalization.CultureInfo.InvariantCulture)} s)");
            foreach (var (name, value) in settings)
            {
                await database.ExecuteAsync($"ALTER DATABASE {database.Name} SET {name} = '{value.Replace("'", "''", StringComparison.Ordinal)}'", cancellationToken);
                report.Setting("database setting (--pg-set)", $"{name} = {value}");
            }

            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async Task MigrateAsync(CancellationToken cancellationToken) =>
        await SchemaMigrator.MigrateAsync(
            new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString, cancellationToken);

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The settings psql needs to reach this database (PGHOST, PGPORT, ...), from the connection string.</summary>
    public IReadOnlyDictionary<string, string> PsqlEnvironment()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PGHOST"] = builder.Host ?? "127.0.0.1",
            ["PGPORT"] = builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGDATABASE"] = Name,
        };
        if (!string.IsNullOrEmpty(builder.Username))
        {
            environment["PGUSER"] = builder.Username;
        }

        if (!string.IsNullOrEmpty(builder.Password))
        {
            environment["PGPASSWORD"] = builder.Password;
        }

        return environment;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (_created && Keep)
        {
            await Console.Error.WriteLineAsync($"viaduct-bench: database {Name} kept (DROP DATABASE {Name} WITH (FORCE) when done)");
        }
        else if (_created)
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync(_admin, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", CancellationToken.None);
        }
    }

    private static async Task AdminAsync(string admin, string sql, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(admin) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
