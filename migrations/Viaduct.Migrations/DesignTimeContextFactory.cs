using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;
using Viaduct.Shared.Data;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Migrations;

/// <summary>Lets `dotnet ef migrations add` build the model; it never connects.</summary>
internal sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<ViaductDbContext>
{
    public ViaductDbContext CreateDbContext(string[] args)
    {
        var dataSource = NpgsqlDataSource.Create("Host=localhost;Database=viaduct_design");
        var options = ViaductDataServiceCollectionExtensions.CreateContextOptions(dataSource);
        return new ViaductDbContext(options);
    }
}
