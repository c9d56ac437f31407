using Microsoft.Extensions.Configuration;
using Viaduct.Engines.E1.Extractor;
using Viaduct.Engines.E1.Extractor.Aws;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Cli;

/// <summary>The same settings the engines read: appsettings.json, then environment variables (ConnectionStrings__Viaduct, Aws__ServiceUrl, E1__Bucket, ...).</summary>
internal sealed class CliSettings
{
    private readonly IConfiguration _configuration = new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    public string ConnectionString =>
        _configuration.GetConnectionString(ViaductDataServiceCollectionExtensions.ConnectionStringName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("ConnectionStrings__Viaduct is not set");

    public AwsOptions Aws => _configuration.GetSection(AwsOptions.Section).Get<AwsOptions>() ?? new AwsOptions();

    public E1Options E1 => _configuration.GetSection(E1Options.Section).Get<E1Options>() ?? new E1Options();
}
