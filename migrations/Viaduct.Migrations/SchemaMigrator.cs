using Microsoft.EntityFrameworkCore;
using Npgsql;
using Viaduct.Shared.Data;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Jobs;

namespace Viaduct.Migrations;

/// <summary>
/// Applies pending migrations and installs Hangfire's schema. The only code that changes the schema: engines never migrate at
/// start-up, they wait for this to have run. EF Core takes a database lock while migrating, so two
/// concurrent runs are safe.
/// </summary>
public static class SchemaMigrator
{
    public static async Task<IReadOnlyList<string>> MigrateAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = ViaductDataServiceCollectionExtensions.CreateContextOptions(dataSource);
        await using var db = new ViaductDbContext(options);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);

        // Hangfire's tables (the posting jobs) live in their own schema; its installer is idempotent and locks.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        ViaductHangfire.InstallSchema(connection);
        return pending;
    }
}
