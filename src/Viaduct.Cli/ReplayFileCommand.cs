using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Viaduct.Shared.Data;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Cli;

/// <summary>
/// Asks E1 to import a file again: the file goes back to <c>received</c> with <c>replay_requested_at</c> set, an event
/// records who asked, and E1's replay worker is woken. The dedup memory makes it safe: rows the file still holds are
/// kept, rows it lost come back, nothing is stored twice. A duplicate delivery holds no rows of its own, so its
/// original (the file that holds them) is replayed instead.
/// </summary>
internal static class ReplayFileCommand
{
    public static Command Create(CliSettings settings)
    {
        var id = new Argument<long>("id") { Description = "The file's id (see `viaduct files`)" };
        var wait = new Option<bool>("--wait") { Description = "Wait until E1 has imported it, showing progress, then print the file" };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "How long --wait waits", DefaultValueFactory = _ => TimeSpan.FromMinutes(10) };
        var command = new Command("replay-file", "Import a file again: lost rows come back, nothing is duplicated") { id, wait, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            await using var dataSource = settings.OpenDataSource();
            var request = await RequestAsync(dataSource, parse.GetValue(id), cancellationToken);
            if (request.Refusal is { } refusal)
            {
                await error.WriteLineAsync(refusal);
                return 1;
            }

            foreach (var line in request.Lines)
            {
                await output.WriteLineAsync(line);
            }

            if (!parse.GetValue(wait))
            {
                return 0;
            }

            return await WaitAsync(dataSource, request.FileId, parse.GetValue(timeout), settings, output, error, cancellationToken);
        });
        return command;
    }

    private sealed record Request(long FileId, IReadOnlyList<string> Lines, string? Refusal);

    private static async Task<Request> RequestAsync(NpgsqlDataSource dataSource, long requested, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var fileId = requested;
        // A duplicate points at the processed original; that one is never a duplicate itself, but follow a few links
        // rather than trust that blindly.
        for (var hop = 0; hop < 5; hop++)
        {
            // SKIP LOCKED: an import holds the row's lock for as long as it runs; asking then must not wait for it.
            await using var read = NpgsqlExecution.Command(connection, """
                SELECT state, duplicate_of_file_id, object_key, row_count, new_count, duplicate_count, bad_count, error
                FROM files WHERE id = $1 FOR UPDATE SKIP LOCKED
                """, fileId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                await reader.DisposeAsync();
                var exists = await connection.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM files WHERE id = $1)", cancellationToken, fileId);
                return new Request(fileId, lines, exists
                    ? Invariant($"file {fileId} is being imported right now; replay it once the import has finished")
                    : Invariant($"no file {fileId}"));
            }

            var state = reader.GetString(0);
            long? original = reader.IsDBNull(1) ? null : reader.GetInt64(1);
            var key = reader.GetString(2);
            var (rows, fresh, duplicate, bad) = (reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6));
            var reason = reader.IsDBNull(7) ? null : reader.GetString(7);
            await reader.DisposeAsync();
            switch (state)
            {
                case "duplicate" when original is { } originalId:
                    lines.Add(Invariant($"file {fileId} ({key}) is a duplicate delivery of file {originalId}: it holds no rows of its own."));
                    lines.Add(Invariant($"Replaying file {originalId}, which holds the rows of that content."));
                    fileId = originalId;
                    continue;
                case "received" or "processing":
                    return new Request(fileId, lines, Invariant(
                        $"file {fileId} ({key}) is still {state} (waiting for E1 or being imported); replay it once it is processed or failed"));
                case "processed":
                    lines.Add(Invariant($"file {fileId} ({key}) was processed: {rows} rows, {fresh} new, {duplicate} duplicate, {bad} bad."));
                    break;
                default:
                    lines.Add(Invariant($"file {fileId} ({key}) is {state}{(reason is null ? "" : ": " + reason)}."));
                    break;
            }

            await connection.ExecuteBatchAsync(cancellationToken,
                new SqlStatement("UPDATE files SET state = 'received', replay_requested_at = now(), error = NULL WHERE id = $1", fileId),
                new SqlStatement("""
                    INSERT INTO events (engine, host, subject_type, subject_id, kind, detail)
                    VALUES ($1, $2, 'file', $3, 'replay_requested', jsonb_build_object('previous_state', $4::text, 'requested_for', $5::bigint))
                    """, CliIdentity.Engine, CliIdentity.Current.Host, fileId, state, requested),
                new SqlStatement("SELECT pg_notify($1, $2::text)", Notifications.FilesReplay, fileId));
            await transaction.CommitAsync(cancellationToken);
            lines.Add(Invariant($"Replay of file {fileId} requested: E1 reads it again; rows it still holds are kept, rows it lost come back, nothing is stored twice."));
            return new Request(fileId, lines, null);
        }

        return new Request(fileId, lines, Invariant($"file {requested}: too many duplicate links to follow"));
    }

    private static async Task<int> WaitAsync(
        NpgsqlDataSource dataSource, long fileId, TimeSpan timeout, CliSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var progress = new Progress(error, settings.ProgressInterval);
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            var file = await FileDetails.ByIdAsync(dataSource, fileId, cancellationToken);
            if (file is null)
            {
                await error.WriteLineAsync(Invariant($"file {fileId} is gone"));
                return 1;
            }

            var waited = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (file.IsFinished)
            {
                progress.Done(Invariant($"replay of file {fileId} finished after {waited:F0} s: {file.State}"));
                FileStatusPrinter.PrintDetail(output, file);
                if (file.State == "processed")
                {
                    await output.WriteLineAsync(Invariant($"the replay brought back {file.New} row(s)"));
                }

                return file.State == "failed" ? 1 : 0;
            }

            progress.Report(() => Invariant(
                $"waiting for E1: file {fileId} is {file.State}{(file.State == "processing" && file.ClaimedBy is { } host ? " on " + host : "")} ({waited:F0} s)"));
            await Task.Delay(settings.PollInterval, cancellationToken);
        }

        await error.WriteLineAsync(Invariant($"E1 did not finish the replay of file {fileId} within {timeout}; is the extractor running? The request stands."));
        return 1;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
