using Npgsql;
using Viaduct.Engines.E1.Extractor.Import;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Engines.E1.Extractor.Replay;

/// <summary>
/// What a file being replayed still holds, so that its import adds back only what is missing. The dedup memory
/// (abouts) remembers every row the file ever brought, including rows deleted since; read as usual it would call
/// those duplicates and never restore them. So during a replay a row counts as known when this file still holds
/// it in test_results (<see cref="Present"/>), or when another file brought it first (<see cref="KnownChecksums"/>
/// opened for the replayed file); a row this file brought first and lost is new again, and the merge finds its
/// abouts row already in the file's name.
/// </summary>
internal sealed class ReplayBaseline
{
    private ReplayBaseline(HashSet<RowChecksum> present) => Present = present;

    /// <summary>The checksums of the rows the file still holds in test_results.</summary>
    public IReadOnlySet<RowChecksum> Present { get; }

    /// <summary>
    /// Reads what the file holds, on the import's connection and inside its transaction, and removes the file's bad
    /// rows there: the import stores them again, and if it rolls back they come back with it.
    /// </summary>
    public static async Task<ReplayBaseline> LoadAsync(NpgsqlConnection importConnection, long fileId, CancellationToken cancellationToken)
    {
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
        return new ReplayBaseline(present);
    }
}
