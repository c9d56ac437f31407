using Npgsql;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// The end of an import, inside its transaction: the rows copied as new claim their checksums in abouts,
/// rows seen before are recorded as one sighting for the last-seen compactor, bad rows are stored, and the
/// statistics are counted.
/// </summary>
internal static class RowMerge
{
    private const string UnknownCounty = "unknown";

    public static async Task<FileStatistics> MergeAsync(
        NpgsqlConnection connection, long fileId, MergeRows rows, BadRowSpool badRows, CancellationToken cancellationToken)
    {
        // Grown by doubling on purpose: sized exactly up front (9.6 MB at once for a new export) it left the GC no
        // reason to collect before the next file, and peak RSS over two files rose from about 240 to 250 MB.
        var fresh = new List<RowChecksum>();
        foreach (var row in rows.All())
        {
            if (row.IsNew)
            {
                fresh.Add(row.Checksum);
            }
        }

        var lost = await ClaimAsync(connection, fileId, fresh, cancellationToken);

        // One pass: every row counts for its county, and every row not kept as new whose sighting the lookups did not
        // record (repeated in the file, or lost to another replica) goes into the file's last sighting.
        var seen = new byte[(rows.Count - fresh.Count - rows.Known + lost.Count) * 32];
        var offset = 0;
        var counties = new Dictionary<string, (int Rows, int New)>(StringComparer.Ordinal);
        foreach (var row in rows.All())
        {
            var isNew = row.IsNew && !lost.Contains(row.Checksum);
            if (!isNew && row.Fate != RowFate.Known)
            {
                row.Checksum.WriteTo(seen.AsSpan(offset, 32));
                offset += 32;
            }

            var county = counties.GetValueOrDefault(row.CountyCode);
            counties[row.CountyCode] = (county.Rows + 1, county.New + (isNew ? 1 : 0));
        }

        if (seen.Length > 0)
        {
            await connection.ExecuteAsync(
                "INSERT INTO about_sightings (file_id, seen_at, row_count, checksums) VALUES ($1, now(), $2, $3)",
                cancellationToken, fileId, seen.Length / 32, seen);
        }

        await StoreBadRowsAsync(connection, fileId, badRows, cancellationToken);

        var statistics = counties.ToDictionary(c => c.Key, c => new CountyStatistics(c.Value.Rows, c.Value.New, c.Value.Rows - c.Value.New, 0), StringComparer.Ordinal);
        if (badRows.Count > 0)
        {
            // A bad row's county may be the very thing that is wrong with it.
            statistics[UnknownCounty] = new CountyStatistics(badRows.Count, 0, 0, badRows.Count);
        }

        return FileStatistics.Of(statistics);
    }

    /// <summary>
    /// Inserts the new rows' checksums into abouts in checksum order: two replicas importing overlapping
    /// files then wait on each other's index entries in the same order and cannot deadlock. Returns the
    /// checksums another replica committed first (after this import looked them up): those rows are not new
    /// after all, and their copies are removed before anyone can see them.
    /// </summary>
    private static async Task<HashSet<RowChecksum>> ClaimAsync(
        NpgsqlConnection connection, long fileId, List<RowChecksum> fresh, CancellationToken cancellationToken)
    {
        var lost = new HashSet<RowChecksum>();
        if (fresh.Count == 0)
        {
            return lost;
        }

        fresh.Sort();
        if (await TryCopyAsync(connection, fileId, fresh, cancellationToken))
        {
            return lost;
        }

        var checksums = fresh.Select(c => c.ToArray()).ToArray();
        var inserted = await connection.ExecuteAsync("""
            INSERT INTO abouts (checksum, first_file_id, last_file_id, first_seen_at, last_seen_at)
            SELECT checksum, $1, $1, now(), now() FROM unnest($2::bytea[]) WITH ORDINALITY AS c(checksum, position)
            ORDER BY position
            ON CONFLICT (checksum) DO NOTHING
            """, cancellationToken, fileId, checksums);
        if (inserted == fresh.Count)
        {
            return lost;
        }

        // Rare: find which ones, among this file's own abouts rows.
        var taken = new HashSet<RowChecksum>(fresh.Count);
        await using (var command = NpgsqlExecution.Command(connection,
            "SELECT checksum FROM abouts WHERE first_file_id = $1 AND checksum = ANY($2::bytea[])", fileId, checksums))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var buffer = new byte[32];
            while (await reader.ReadAsync(cancellationToken))
            {
                reader.GetBytes(0, 0, buffer, 0, 32);
                taken.Add(RowChecksum.From(buffer));
            }
        }

        lost.UnionWith(fresh.Where(c => !taken.Contains(c)));
        await connection.ExecuteAsync(
            "DELETE FROM test_results WHERE file_id = $1 AND checksum = ANY($2::bytea[])",
            cancellationToken, fileId, lost.Select(c => c.ToArray()).ToArray());
        return lost;
    }

    /// <summary>
    /// The fast way, right almost always: COPY the checksums, which makes PostgreSQL skip the per-row
    /// conflict check of INSERT ... ON CONFLICT. If another replica committed one of them meanwhile (or a
    /// skipped lookup would have found it), the unique key refuses the COPY; the savepoint undoes just that,
    /// and the careful way takes over.
    /// </summary>
    private static async Task<bool> TryCopyAsync(
        NpgsqlConnection connection, long fileId, List<RowChecksum> fresh, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("SAVEPOINT e1_claim", cancellationToken);
        try
        {
            var checksum = new byte[32];
            // first_seen_at and last_seen_at take their default, the database's now().
            await using (var copy = await BinaryCopyWriter.BeginAsync(
                connection, "COPY abouts (checksum, first_file_id, last_file_id) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var row in fresh)
                {
                    row.WriteTo(checksum);
                    copy.StartRow(3);
                    copy.WriteBytes(checksum);
                    copy.WriteInt64(fileId);
                    copy.WriteInt64(fileId);
                }

                await copy.CompleteAsync(cancellationToken);
            }

            await connection.ExecuteAsync("RELEASE SAVEPOINT e1_claim", cancellationToken);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await connection.ExecuteAsync("ROLLBACK TO SAVEPOINT e1_claim", cancellationToken);
            return false;
        }
    }

    private static async Task StoreBadRowsAsync(NpgsqlConnection connection, long fileId, BadRowSpool badRows, CancellationToken cancellationToken)
    {
        if (badRows.Count == 0)
        {
            return;
        }

        await using var copy = await BinaryCopyWriter.BeginAsync(
            connection, "COPY bad_rows (file_id, line_number, reason, raw_data) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var (lineNumber, reason, rawData) in badRows.ReadAll())
        {
            copy.StartRow(4);
            copy.WriteInt64(fileId);
            copy.WriteInt32(lineNumber);
            copy.WriteText(reason);
            copy.WriteText(rawData);
        }

        await copy.CompleteAsync(cancellationToken);
    }
}
