using Npgsql;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// Asks the dedup memory which of a chunk's checksums it already holds, on a connection of its own outside
/// the import transaction. A checksum found there is committed and stays, so its row is surely a duplicate;
/// one not found may still be taken by a replica importing an overlapping file right now, which the final
/// insert into abouts settles.
/// </summary>
internal sealed class KnownChecksums : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _lookup;
    private bool _prepared;
    private RowChecksum[] _sorted = [];
    private byte[][] _arrays = [];

    private KnownChecksums(NpgsqlConnection connection, long? replayedFileId)
    {
        _connection = connection;
        // One statement, prepared once and run for every chunk of the file.
        _lookup = new NpgsqlCommand(
            "SELECT a.checksum FROM unnest($1::bytea[]) AS c(checksum) JOIN abouts a ON a.checksum = c.checksum"
                + (replayedFileId is null ? "" : " WHERE a.first_file_id <> $2"),
            connection);
        _lookup.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bytea });
        if (replayedFileId is { } fileId)
        {
            _lookup.Parameters.Add(new NpgsqlParameter { Value = fileId });
        }
    }

    /// <param name="replayedFileId">
    /// A file being replayed: the memory remembers every row it ever brought, including rows deleted since, and would
    /// call those duplicates; so only rows another file brought first count as known (see <c>ReplayBaseline</c>).
    /// </param>
    public static async Task<KnownChecksums> OpenAsync(NpgsqlDataSource dataSource, long? replayedFileId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A probe of a few thousand keys into a table of millions is an index lookup each; a planner whose
        // statistics lag behind a freshly loaded abouts could otherwise pick a scan of the whole table.
        await using var command = new NpgsqlCommand("SET enable_seqscan = off", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new KnownChecksums(connection, replayedFileId);
    }

    public async ValueTask DisposeAsync()
    {
        // After a failed import a lookup may still be running; the setting then goes with the closed
        // connection's reset in the pool.
        if (_connection.FullState == System.Data.ConnectionState.Open)
        {
            await using var command = new NpgsqlCommand("RESET enable_seqscan", _connection);
            await command.ExecuteNonQueryAsync();
        }

        await _lookup.DisposeAsync();
        await _connection.DisposeAsync();
    }

    public async Task<HashSet<RowChecksum>> LookUpAsync(RowChunk rows, CancellationToken cancellationToken)
    {
        var known = new HashSet<RowChecksum>();
        if (rows.Count == 0)
        {
            return known;
        }

        // Probed in index order, neighbouring keys share the pages just read: about half the cost of probing
        // the same keys in file order. The arrays are reused for every chunk; the previous lookup has finished.
        if (_sorted.Length < rows.Count)
        {
            _sorted = new RowChecksum[rows.Count];
            _arrays = new byte[rows.Count][];
            for (var i = 0; i < _arrays.Length; i++)
            {
                _arrays[i] = new byte[32];
            }
        }

        var sorted = _sorted.AsSpan(0, rows.Count);
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = rows.Checksum(i);
        }

        sorted.Sort(RowChecksum.CompareAsBytes);
        var checksums = _arrays.Length == sorted.Length ? _arrays : _arrays[..sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i].WriteTo(checksums[i]);
        }

        _lookup.Parameters[0].Value = checksums;
        if (!_prepared)
        {
            await _lookup.PrepareAsync(cancellationToken);
            _prepared = true;
        }

        await using var reader = await _lookup.ExecuteReaderAsync(cancellationToken);
        var buffer = new byte[32];
        while (await reader.ReadAsync(cancellationToken))
        {
            reader.GetBytes(0, 0, buffer, 0, 32);
            known.Add(RowChecksum.From(buffer));
        }

        return known;
    }
}
