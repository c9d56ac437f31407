using Microsoft.Extensions.Configuration;
using Viaduct.Migrations;
using Viaduct.Shared.Data.Hosting;

// Usage: Viaduct.Migrations [migrate]   (ConnectionStrings__Viaduct names the database)
var command = args.FirstOrDefault() ?? "migrate";
if (command != "migrate")
{
    await Console.Error.WriteLineAsync($"unknown command '{command}'; the only command is 'migrate'");
    return 2;
}

var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .AddCommandLine(args.Skip(1).ToArray())
    .Build();
var connectionString = configuration.GetConnectionString(ViaductDataServiceCollectionExtensions.ConnectionStringName);
if (string.IsNullOrWhiteSpace(connectionString))
{
    await Console.Error.WriteLineAsync("ConnectionStrings__Viaduct is not set");
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
var applied = await SchemaMigrator.MigrateAsync(connectionString, cancellation.Token);
Console.WriteLine(applied.Count == 0 ? "schema is up to date" : $"applied {applied.Count} migration(s): {string.Join(", ", applied)}");
return 0;
