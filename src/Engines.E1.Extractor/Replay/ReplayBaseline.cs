using Npgsql;
using Viaduct.Engines.E1.Extractor.Import;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Engines.E1.Extractor.Replay;

/// <summary>
/// What a file being replayed still holds, so that its import adds back only what is missing. The dedup memory
/// (abouts) remembers every row the file ever brought, including rows deleted since; read as usual it would call
/// those duplicates and never restore them. So during a replay a row counts as known when this file still holds
/// it in test_results, or when another file brought it first; a row this file brought first and lost is new again,
/// and the merge finds its abouts row already in the file's name.
/// </summary>
internal sealed class ReplayBaseline : IAsyncDisposable
{
    private readonly NpgsqlConnection _lookupConnection;
    private readonly NpgsqlCommand _lookup;

    private ReplayBaseline(NpgsqlConnection lookupConnection, long fileId, HashSet<RowChecksum> present)
    {
        _lookupConnection = lookupConnection;
        Present = present;
        _lookup = new NpgsqlCommand("""
            SELECT a.checksum FROM unnest($1::bytea[]) AS c(checksum) JOIN abouts a ON a.checksum = c.checksum
            WHERE a.first_file_id <> $2
            """, lookupConnection);
        _lookup.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bytea });
        _lookup.Parameters.Add(new NpgsqlParameter { Value = fileId });
    }

    /// <summary>The checksums of the rows the file still holds in test_results.</summary>
    public IReadOnlySet<RowChecksum> Present { get; }

    /// <summary>
    /// Reads what the file holds, on the import's connection and inside its transaction, and removes the file's bad
    /// rows there: the import stores them again, and if it rolls back they come back with it.
    /// </summary>
    public static async Task<ReplayBaseline> LoadAsync(
        NpgsqlConnection importConnection, NpgsqlDataSource dataSource, long fileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var present = new HashSet<RowChecksum>();
        await using (var command = NpgsqlExecution.Command(importConnection, "SELECT checksum FROM test_results WHERE file_id = $1", fileId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var buffer = new byte[32];
            while (await reader.ReadAsync(cancellationToken))
            {
                reader.GetBytes(0, 0, buffer, 0, 32);
                present.Add(RowChecksum.From(buffer));
            }
        }

        await importConnection.ExecuteAsync("DELETE FROM bad_rows WHERE file_id = $1", cancellationToken, fileId);
        return new ReplayBaseline(await dataSource.OpenConnectionAsync(cancellationToken), fileId, present);
    }

    /// <summary>Of a chunk's checksums, those another file brought first.</summary>
    public async Task<HashSet<RowChecksum>> LookUpAsync(RowChunk rows, CancellationToken cancellationToken)
    {
        var known = new HashSet<RowChecksum>();
        if (rows.Count == 0)
        {
            return known;
        }

        var checksums = new byte[rows.Count][];
        for (var i = 0; i < rows.Count; i++)
        {
            checksums[i] = rows.Checksum(i).ToArray();
        }

        _lookup.Parameters[0].Value = checksums;
        await using var reader = await _lookup.ExecuteReaderAsync(cancellationToken);
        var buffer = new byte[32];
        while (await reader.ReadAsync(cancellationToken))
        {
            reader.GetBytes(0, 0, buffer, 0, 32);
            known.Add(RowChecksum.From(buffer));
        }

        return known;
    }

    public async ValueTask DisposeAsync()
    {
        await _lookup.DisposeAsync();
        await _lookupConnection.DisposeAsync();
    }
}
