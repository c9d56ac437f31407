using System.Text;
using Npgsql;
using NpgsqlTypes;
using Viaduct.Samples;
using Viaduct.Shared.Data;
using Viaduct.Shared.Eclrs;

namespace Viaduct.Bench;

/// <summary>
/// Puts synthetic results into <c>test_results</c> the way E1 leaves them for E2 (a processed <c>files</c> row, and
/// per row its line, checksum, version, county code and raw line), with binary COPY, in one transaction; then
/// <c>NOTIFY viaduct_test_results_ready</c> as E1 does after its commit. For benchmarks of the engines after E1:
/// E2 reads only the id, version, county code and raw line of a result, so the typed copies E1 also stores are
/// left empty.
/// </summary>
internal static class BenchResults
{
    /// <summary>A stored batch: its file id and the database clock just before its commit.</summary>
    internal sealed record Stored(long FileId, int Rows, DateTime CommittedAt);

    public static async Task<Stored> AddAsync(BenchDatabase database, int seed, long firstIndex, int rows, CancellationToken cancellationToken)
    {
        // One pass of E1's own reader over the rows: the county code and the row checksum as E1 computes them.
        var text = new StringBuilder();
        for (var i = 0L; i < rows; i++)
        {
            text.Append(SyntheticEclrs.Row(seed, firstIndex + i)).Append('\n');
        }

        var raw = new List<(string Line, string County, byte[] Checksum)>(rows);
        using (var reader = EclrsReader.OpenRows(new StringReader(text.ToString()), EclrsVersion.V3))
        {
            while (reader.Read())
            {
                if (reader.Error is { } error)
                {
                    throw new BenchFailure($"synthetic row {firstIndex + raw.Count} is bad: {error}");
                }

                var checksum = new byte[32];
                reader.WriteChecksum(checksum);
                raw.Add((reader.RawLine, reader[EclrsColumns.CountyCode], checksum));
            }
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long fileId;
        await using (var file = new NpgsqlCommand("""
            INSERT INTO files (bucket, object_key, etag, eclrs_version, state, row_count, new_count, processing_at, processed_at)
            VALUES ('viaduct-bench', $1, 'bench', 3, 'processed', $2, $2, clock_timestamp(), clock_timestamp())
            RETURNING id
            """, connection, transaction))
        {
            file.Parameters.Add(new NpgsqlParameter { Value = $"inbox/bench-{seed}-{firstIndex}-{rows}-{BenchCommands.NewId()}.txt" });
            file.Parameters.Add(new NpgsqlParameter { Value = rows });
            fileId = (long)(await file.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY test_results (file_id, line_number, checksum, eclrs_version, county_code, raw_data) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            var line = 2;
            foreach (var (rawLine, county, checksum) in raw)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(fileId, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(line++, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(checksum, NpgsqlDbType.Bytea, cancellationToken);
                await copy.WriteAsync((short)3, NpgsqlDbType.Smallint, cancellationToken);
                await copy.WriteAsync(county, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(rawLine, NpgsqlDbType.Text, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        // processed_at is the commit as near as SQL can tell: the last statement before it. The notification is
        // delivered on commit, as E1's is after its own.
        DateTime committedAt;
        await using (var done = new NpgsqlCommand(
            "UPDATE files SET processed_at = clock_timestamp() WHERE id = $1 RETURNING processed_at", connection, transaction))
        {
            done.Parameters.Add(new NpgsqlParameter { Value = fileId });
            committedAt = (DateTime)(await done.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection, transaction))
        {
            notify.Parameters.Add(new NpgsqlParameter { Value = Notifications.TestResultsReady });
            notify.Parameters.Add(new NpgsqlParameter { Value = fileId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await notify.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new Stored(fileId, raw.Count, committedAt);
    }
}
