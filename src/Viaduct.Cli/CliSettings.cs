using Microsoft.Extensions.Configuration;
using Npgsql;
using Viaduct.Engines.E1.Extractor;
using Viaduct.Engines.E1.Extractor.Aws;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Cli;

/// <summary>
/// The same settings the engines read: appsettings.json, then environment variables (ConnectionStrings__Viaduct,
/// Aws__ServiceUrl, E1__Bucket, ...). Tests pass a configuration of their own.
/// </summary>
internal sealed class CliSettings(IConfiguration configuration)
{
    public static CliSettings FromEnvironment() => new(new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build());

    public string ConnectionString =>
        configuration.GetConnectionString(ViaductDataServiceCollectionExtensions.ConnectionStringName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("ConnectionStrings__Viaduct is not set");

    public AwsOptions Aws => configuration.GetSection(AwsOptions.Section).Get<AwsOptions>() ?? new AwsOptions();

    public E1Options E1 => configuration.GetSection(E1Options.Section).Get<E1Options>() ?? new E1Options();

    /// <summary>How often a long-running command prints its progress on stderr (<c>Cli__ProgressInterval</c>).</summary>
    public TimeSpan ProgressInterval =>
        configuration.GetValue<TimeSpan?>("Cli:ProgressInterval") is { } interval && interval >= TimeSpan.Zero ? interval : TimeSpan.FromSeconds(1);

    /// <summary>How often a command that waits looks at the database again (<c>Cli__PollInterval</c>).</summary>
    public TimeSpan PollInterval =>
        configuration.GetValue<TimeSpan?>("Cli:PollInterval") is { } interval && interval > TimeSpan.Zero ? interval : TimeSpan.FromMilliseconds(200);

    public NpgsqlDataSource OpenDataSource() => NpgsqlDataSource.Create(ConnectionString);
}
