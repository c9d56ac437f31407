using Npgsql;
using NpgsqlTypes;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// Asks the dedup memory which of a chunk's checksums it already holds, on a connection of its own outside the
/// import transaction, and records the ones it finds as a sighting of the file in the same statement. A checksum
/// found there is committed and stays, so its row is surely a duplicate; one not found may still be taken by a
/// replica importing an overlapping file right now, which the final insert into abouts settles.
/// </summary>
/// <remarks>
/// The sighting commits at once, before the file does: the last-seen compactor applies a file's sightings only
/// once the file is processed, and drops those of a file that ended failed or as a duplicate. Recording them here
/// keeps a re-sent export's 285,000 checksums (9 MB) out of the import's own transaction and off its critical path.
/// </remarks>
internal sealed class KnownChecksums : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _lookup;
    private bool _prepared;
    private UInt128[] _keys = [];
    private int[] _order = [];
    private byte[][] _arrays = [];

    private KnownChecksums(NpgsqlConnection connection, long fileId, bool replay)
    {
        _connection = connection;
        // One statement, prepared once and run for every chunk of the file. It answers with the positions (in the
        // array sent) of the checksums found, which is all the import needs.
        _lookup = new NpgsqlCommand($"""
            WITH found AS (
                SELECT c.position, c.checksum
                FROM unnest($1::bytea[]) WITH ORDINALITY AS c(checksum, position)
                JOIN abouts a ON a.checksum = c.checksum
                {(replay ? "WHERE a.first_file_id <> $2" : "")}),
            sighted AS (
                INSERT INTO about_sightings (file_id, seen_at, row_count, checksums)
                SELECT $2, now(), count(*), string_agg(checksum, ''::bytea) FROM found HAVING count(*) > 0)
            SELECT position::int4 FROM found
            """, connection);
        _lookup.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        _lookup.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = fileId });
    }

    /// <param name="replay">
    /// The file is being replayed: the memory remembers every row it ever brought, including rows deleted since, and
    /// would call those duplicates; so only rows another file brought first count as known (see <c>ReplayBaseline</c>).
    /// </param>
    public static async Task<KnownChecksums> OpenAsync(NpgsqlDataSource dataSource, long fileId, bool replay, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A probe of a few thousand keys into a table of millions is an index lookup each; a planner whose
        // statistics lag behind a freshly loaded abouts could otherwise pick a scan of the whole table.
        await using var command = new NpgsqlCommand("SET enable_seqscan = off", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new KnownChecksums(connection, fileId, replay);
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

    /// <summary>Which rows of the chunk the memory holds: true at the row's index in the chunk.</summary>
    public async Task<bool[]> LookUpAsync(RowChunk rows, CancellationToken cancellationToken)
    {
        var known = new bool[rows.Count];
        if (rows.Count == 0)
        {
            return known;
        }

        // Probed in index order, neighbouring keys share the pages just read: about half the cost of probing the same
        // keys in file order. The keys are sorted by their first 16 bytes (big-endian, so in bytea order) with the
        // chunk's indexes alongside; the arrays are reused for every chunk, the previous lookup having finished.
        if (_keys.Length < rows.Count)
        {
            _keys = new UInt128[rows.Count];
            _order = new int[rows.Count];
            _arrays = new byte[rows.Count][];
            for (var i = 0; i < _arrays.Length; i++)
            {
                _arrays[i] = new byte[32];
            }
        }

        var keys = _keys.AsSpan(0, rows.Count);
        var order = _order.AsSpan(0, rows.Count);
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = rows.Checksum(i).High;
            order[i] = i;
        }

        keys.Sort(order);
        var checksums = _arrays.Length == keys.Length ? _arrays : _arrays[..keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            rows.Checksum(order[i]).WriteTo(checksums[i]);
        }

        _lookup.Parameters[0].Value = checksums;
        if (!_prepared)
        {
            await _lookup.PrepareAsync(cancellationToken);
            _prepared = true;
        }

        await using var reader = await _lookup.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // Ordinals count from 1.
            known[_order[reader.GetInt32(0) - 1]] = true;
        }

        return known;
    }
}
