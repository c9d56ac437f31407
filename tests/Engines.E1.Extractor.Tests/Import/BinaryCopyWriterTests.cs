using Npgsql;
using Viaduct.Engines.E1.Extractor.Import;
using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Import;

/// <summary>E1's own binary COPY encoding, read back by PostgreSQL and Npgsql.</summary>
public sealed class BinaryCopyWriterTests(ViaductDatabase database) : IClassFixture<ViaductDatabase>
{
    private const string Copy = "COPY copy_probe (n16, n32, n64, bytes, text, date, at) FROM STDIN (FORMAT BINARY)";

    [Fact]
    public async Task Every_value_kind_arrives_as_written_including_nulls_non_ascii_text_and_values_larger_than_the_buffer()
    {
        await using var connection = await OpenAsync("probe_values");
        var large = string.Concat(Enumerable.Repeat("ÉCLRS|ĳ 测试 ", 20_000)); // ~280 KB of UTF-8, beyond the 64 KB buffer
        var at = new DateTime(2020, 3, 18, 14, 30, 0, DateTimeKind.Utc).AddTicks(1_234_567); // 0.1234567 s: stored to the microsecond
        await using (var copy = await BinaryCopyWriter.BeginAsync(connection, Copy.Replace("copy_probe", "probe_values", StringComparison.Ordinal), default))
        {
            copy.StartRow(7);
            copy.WriteInt16(-7);
            copy.WriteInt32(int.MaxValue);
            copy.WriteInt64(long.MinValue);
            copy.WriteBytes([0, 1, 254, 255]);
            copy.WriteText("Zoë O'Brien");
            copy.WriteDate(new DateOnly(1947, 3, 1));
            copy.WriteTimestampTz(at);

            copy.StartRow(7);
            copy.WriteNull();
            copy.WriteNull();
            copy.WriteNull();
            copy.WriteBytes([]);
            copy.WriteText("", emptyAsNull: true);
            copy.WriteDate(null);
            copy.WriteTimestampTz(null);

            for (var i = 0; i < 500; i++)
            {
                copy.StartRow(7);
                copy.WriteInt16(1);
                copy.WriteInt32(i);
                copy.WriteInt64(i);
                copy.WriteBytes(new byte[32]);
                copy.WriteText(i == 250 ? large : "", emptyAsNull: false);
                copy.WriteDate(new DateOnly(1999, 12, 31));
                copy.WriteTimestampTz(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            }

            await copy.CompleteAsync(default);
        }

        Assert.Equal(502L, await ScalarAsync<long>(connection, "SELECT count(*) FROM probe_values"));
        Assert.Equal((short)-7, await ScalarAsync<short>(connection, "SELECT n16 FROM probe_values WHERE n32 = 2147483647"));
        Assert.Equal(long.MinValue, await ScalarAsync<long>(connection, "SELECT n64 FROM probe_values WHERE n32 = 2147483647"));
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, await ScalarAsync<byte[]>(connection, "SELECT bytes FROM probe_values WHERE n32 = 2147483647"));
        Assert.Equal("Zoë O'Brien", await ScalarAsync<string>(connection, "SELECT text FROM probe_values WHERE n32 = 2147483647"));
        Assert.Equal(new DateOnly(1947, 3, 1), await ScalarAsync<DateOnly>(connection, "SELECT date FROM probe_values WHERE n32 = 2147483647"));
        Assert.Equal(at.AddTicks(-7), await ScalarAsync<DateTime>(connection, "SELECT at FROM probe_values WHERE n32 = 2147483647"));
        Assert.Equal(1L, await ScalarAsync<long>(connection,
            "SELECT count(*) FROM probe_values WHERE n16 IS NULL AND n32 IS NULL AND n64 IS NULL AND bytes = ''::bytea AND text IS NULL AND date IS NULL AND at IS NULL"));
        Assert.Equal(large, await ScalarAsync<string>(connection, "SELECT text FROM probe_values WHERE n32 = 250"));
        Assert.Equal(499L, await ScalarAsync<long>(connection, "SELECT count(*) FROM probe_values WHERE text = ''"));
        Assert.Equal(500L, await ScalarAsync<long>(connection,
            "SELECT count(*) FROM probe_values WHERE date = '1999-12-31' AND at = '2000-01-01 00:00:00+00' AND length(bytes) = 32"));
    }

    [Fact]
    public async Task A_refused_copy_raises_the_servers_error_and_leaves_the_connection_usable_after_a_savepoint_rollback()
    {
        await using var connection = await OpenAsync("probe_refused");
        await using var transaction = await connection.BeginTransactionAsync();
        await Execute(connection, "CREATE UNIQUE INDEX ON probe_refused (n32); INSERT INTO probe_refused (n32) VALUES (1); SAVEPOINT probe");

        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var copy = await BinaryCopyWriter.BeginAsync(connection, Copy.Replace("copy_probe", "probe_refused", StringComparison.Ordinal), default);
            for (var i = 0; i < 3; i++)
            {
                copy.StartRow(7);
                copy.WriteNull();
                copy.WriteInt32(i);
                copy.WriteNull();
                copy.WriteNull();
                copy.WriteNull();
                copy.WriteNull();
                copy.WriteNull();
            }

            await copy.CompleteAsync(default);
        });

        Assert.Equal(PostgresErrorCodes.UniqueViolation, refused.SqlState);
        await Execute(connection, "ROLLBACK TO SAVEPOINT probe");
        Assert.Equal(1L, await ScalarAsync<long>(connection, "SELECT count(*) FROM probe_refused"));
    }

    [Fact]
    public async Task A_copy_abandoned_without_completing_stores_nothing()
    {
        await using var connection = await OpenAsync("probe_abandoned");
        await using (var copy = await BinaryCopyWriter.BeginAsync(connection, Copy.Replace("copy_probe", "probe_abandoned", StringComparison.Ordinal), default))
        {
            copy.StartRow(7);
            copy.WriteInt16(1);
            copy.WriteInt32(1);
            copy.WriteInt64(1);
            copy.WriteNull();
            copy.WriteNull();
            copy.WriteNull();
            copy.WriteNull();
        }

        Assert.Equal(0L, await ScalarAsync<long>(connection, "SELECT count(*) FROM probe_abandoned"));
    }

    private async Task<NpgsqlConnection> OpenAsync(string table)
    {
        var connection = await database.DataSource.OpenConnectionAsync();
        await Execute(connection, $"CREATE TABLE {table} (n16 smallint, n32 integer, n64 bigint, bytes bytea, text text, date date, at timestamptz)");
        return connection;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
