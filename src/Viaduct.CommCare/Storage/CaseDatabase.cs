using Microsoft.Extensions.Options;
using Npgsql;

namespace Viaduct.CommCare.Storage;

/// <summary>
/// The server's own PostgreSQL data source and schema. The server is a separate system from Viaduct: it shares at
/// most the database server, never Viaduct's tables or migrations.
/// </summary>
internal sealed class CaseDatabase : IAsyncDisposable
{
    public CaseDatabase(IConfiguration configuration, IOptions<CommCareServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var connectionString = ConnectionString(configuration)
            ?? throw new InvalidOperationException("Set ConnectionStrings:CommCare (or ConnectionStrings:Viaduct) to the PostgreSQL database the CommCare-like server keeps its cases in.");
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "viaduct-commcare";
        DataSource = builder.Build();
        Schema = options.Value.Schema;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The schema name, checked by the options validator to be a plain lower-case identifier (safe in SQL text).</summary>
    public string Schema { get; }

    public static string? ConnectionString(IConfiguration configuration)
    {
        var own = configuration.GetConnectionString("CommCare");
        return !string.IsNullOrWhiteSpace(own) ? own : NullIfBlank(configuration.GetConnectionString("Viaduct"));
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
