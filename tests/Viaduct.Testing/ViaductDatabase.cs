using Npgsql;
using Viaduct.Migrations;
using Xunit;

namespace Viaduct.Testing;

/// <summary>
/// A fresh, migrated database for one test class (use as <c>IClassFixture</c>). Migrations run once per
/// test process into a template; each class then gets a copy, which takes milliseconds.
/// </summary>
public class ViaductDatabase : IAsyncLifetime
{
    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static string? _templateName;
    private string? _admin;

    public string Name { get; } = "viaduct_test_" + Guid.NewGuid().ToString("N")[..12];

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _admin = await PostgresServer.AdminConnectionStringAsync();
        await TemplateGate.WaitAsync();
        try
        {
            _templateName ??= await CreateTemplateAsync(_admin);
            // CREATE DATABASE from a template refuses while another copy is being made: one at a time.
            await ExecuteAsync(_admin, $"CREATE DATABASE {Name} TEMPLATE {_templateName}");
        }
        finally
        {
            TemplateGate.Release();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = Name, MaxPoolSize = 50 }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (_admin is not null)
        {
            await ExecuteAsync(_admin, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
        }
    }

    /// <summary>Runs a query and returns the first column of the first row.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> CreateTemplateAsync(string admin)
    {
        var name = $"viaduct_template_{Environment.ProcessId}_{Guid.NewGuid().ToString("N")[..6]}";
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString;
        await SchemaMigrator.MigrateAsync(connectionString, CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)").GetAwaiter().GetResult();
            }
            catch (NpgsqlException)
            {
                // The server may be gone already at exit; the test command's cluster is thrown away anyway.
            }
        };
        return name;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
