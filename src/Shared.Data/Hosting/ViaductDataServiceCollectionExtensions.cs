using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Viaduct.Shared.Data.Hosting;

public static class ViaductDataServiceCollectionExtensions
{
    public const string ConnectionStringName = "Viaduct";

    /// <summary>
    /// Registers one <see cref="NpgsqlDataSource"/> (the connection pool) and the EF Core context on top of it.
    /// The connection string is <c>ConnectionStrings:Viaduct</c> (env: <c>ConnectionStrings__Viaduct</c>).
    /// </summary>
    public static IServiceCollection AddViaductData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set (environment: ConnectionStrings__{ConnectionStringName}).");
        }

        return services.AddViaductData(connectionString);
    }

    public static IServiceCollection AddViaductData(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddDbContext<ViaductDbContext>((sp, options) => options.UseViaduct(sp.GetRequiredService<NpgsqlDataSource>()));
        return services;
    }

    /// <summary>Options for a context outside DI (the migrator, tests, tools).</summary>
    public static DbContextOptions<ViaductDbContext> CreateContextOptions(NpgsqlDataSource dataSource)
    {
        var builder = new DbContextOptionsBuilder<ViaductDbContext>();
        builder.UseViaduct(dataSource);
        return builder.Options;
    }

    public static DbContextOptionsBuilder UseViaduct(this DbContextOptionsBuilder options, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options
            .UseNpgsql(dataSource, npgsql => npgsql.MigrationsAssembly(ViaductDbContext.MigrationsAssembly))
            .UseSnakeCaseNamingConvention();
    }
}
