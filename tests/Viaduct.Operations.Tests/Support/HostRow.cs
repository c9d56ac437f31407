using Viaduct.Testing;

namespace Viaduct.Operations.Tests.Support;

/// <summary>One row of <c>engine_hosts</c>: what a host last reported about itself.</summary>
public sealed record HostRow(
    string Engine, string Host, long ItemsProcessed, long Failures, double ItemsPerMinute, string? LastError, DateTime? LastErrorAt)
{
    /// <summary>Every host's row, by engine.</summary>
    public static async Task<IReadOnlyList<HostRow>> ReadAllAsync(ViaductDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var command = database.DataSource.CreateCommand("""
            SELECT engine, host, items_processed, failures, items_per_minute, last_error, last_error_at FROM engine_hosts ORDER BY engine, host
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<HostRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new HostRow(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetDouble(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetDateTime(6)));
        }

        return rows;
    }

    /// <summary>The row of the one host of <paramref name="engine"/>, or null; fails if there are more.</summary>
    public static async Task<HostRow?> ReadAsync(ViaductDatabase database, string engine) =>
        (await ReadAllAsync(database)).Where(r => r.Engine == engine).SingleOrDefault();
}
