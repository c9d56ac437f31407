using Microsoft.EntityFrameworkCore;
using Npgsql;
using Viaduct.Shared.Data;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Migrations;

/// <summary>
/// Applies pending migrations. The only code that changes the schema: engines never migrate at
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
        return pending;
    }
}
