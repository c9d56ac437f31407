using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Viaduct.Shared.Data;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Cli;

/// <summary>
/// Puts test results back in E2's ready state (<c>transformed_at IS NULL</c>) so E2 transforms them again, after a
/// fix to E2 or to the county file. E2 merges add-if-missing: a result transformed again adds what it did not add
/// before and otherwise records a second outcome (<c>no_new_information</c>), so running this twice is safe.
/// </summary>
internal static class RetransformCommand
{
    public static Command Create(CliSettings settings)
    {
        var file = new Option<long?>("--file") { Description = "Every result of this file" };
        var fromId = new Option<long?>("--from-id") { Description = "Results with ids from this one (inclusive)" };
        var toId = new Option<long?>("--to-id") { Description = "Results with ids up to this one (inclusive)" };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Results stored at or after this time (e.g. 2026-01-31T00:00:00Z)" };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Results stored before this time" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only count the results that would go back to E2" };
        var chunk = new Option<int>("--chunk-size") { Description = "Results per statement", DefaultValueFactory = _ => 10_000 };
        chunk.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1_000_000)
            {
                result.AddError("--chunk-size must be between 1 and 1000000");
            }
        });
        var command = new Command("retransform", "Put results back in E2's ready state: by file, by id range or by time stored")
        {
            file, fromId, toId, since, until, dryRun, chunk,
        };
        command.Validators.Add(result =>
        {
            var families = new[]
            {
                result.GetValue(file) is not null,
                result.GetValue(fromId) is not null || result.GetValue(toId) is not null,
                result.GetValue(since) is not null || result.GetValue(until) is not null,
            }.Count(chosen => chosen);
            if (families != 1)
            {
                result.AddError("choose the results with one of: --file, --from-id/--to-id, --since/--until");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var selection = Selection.From(parse.GetValue(file), parse.GetValue(fromId), parse.GetValue(toId), parse.GetValue(since), parse.GetValue(until));
            var output = parse.InvocationConfiguration.Output;
            await using var dataSource = settings.OpenDataSource();
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var (first, last, total, waiting) = await CountAsync(connection, selection, cancellationToken);
            if (parse.GetValue(dryRun))
            {
                await output.WriteLineAsync(Invariant(
                    $"{total} result(s) {selection.Describe()}; {total - waiting} would go back to E2 ({waiting} already wait for it). Nothing changed (--dry-run)."));
                return 0;
            }

            var progress = new Progress(parse.InvocationConfiguration.Error, settings.ProgressInterval);
            var size = parse.GetValue(chunk);
            var toDo = total - waiting;
            long reset = 0;
            for (var low = first; total > 0 && low <= last; low += size)
            {
                var chunkReset = await ResetChunkAsync(connection, selection, low, Math.Min(low + size, last + 1), cancellationToken);
                reset += chunkReset;
                progress.Report(() => Invariant($"retransform: {reset} of {toDo} result(s) back to E2 ({Progress.Percent(reset, toDo)}), ids up to {Math.Min(low + size - 1, last)}"));
            }

            if (selection.FileId is { } fileId && reset > 0)
            {
                await connection.ExecuteAsync("""
                    INSERT INTO events (engine, host, subject_type, subject_id, kind, detail)
                    VALUES ($1, $2, 'file', $3, 'retransform_requested', jsonb_build_object('results', $4::bigint))
                    """, cancellationToken, CliIdentity.Engine, CliIdentity.Current.Host, fileId, reset);
            }

            progress.Done(Invariant($"retransform: done, {reset} result(s)"));
            await output.WriteLineAsync(Invariant(
                $"{reset} result(s) {selection.Describe()} are back in E2's ready state ({waiting} were waiting already); E2 transforms them again."));
            return 0;
        });
        return command;
    }

    /// <summary>Which results: a condition on <c>$1</c> and <c>$2</c>, and how the events record it.</summary>
    private sealed record Selection(string Condition, object First, object Second, long? FileId, Dictionary<string, object> Recorded)
    {
        public static Selection From(long? file, long? fromId, long? toId, DateTimeOffset? since, DateTimeOffset? until)
        {
            if (file is { } fileId)
            {
                return new Selection("file_id = $1 AND $2", fileId, true, fileId, new() { ["file_id"] = fileId });
            }

            if (fromId is not null || toId is not null)
            {
                var recorded = new Dictionary<string, object>();
                if (fromId is { } from)
                {
                    recorded["from_id"] = from;
                }

                if (toId is { } to)
                {
                    recorded["to_id"] = to;
                }

                return new Selection("id BETWEEN $1 AND $2", fromId ?? 0L, toId ?? long.MaxValue, null, recorded);
            }

            var times = new Dictionary<string, object>();
            if (since is { } start)
            {
                times["since"] = start.UtcDateTime;
            }

            if (until is { } end)
            {
                times["until"] = end.UtcDateTime;
            }

            return new Selection(
                "created_at >= $1 AND created_at < $2",
                since?.UtcDateTime ?? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc), until?.UtcDateTime ?? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc), null, times);
        }

        public string Describe() => FileId is { } fileId
            ? Invariant($"of file {fileId}")
            : "with " + string.Join(", ", Recorded.Select(r => Invariant($"{r.Key.Replace('_', ' ')} {Format(r.Value)}")));

        private static string Format(object value) => value is DateTime at ? at.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture)!;
    }

    private static async Task<(long First, long Last, long Total, long Waiting)> CountAsync(
        NpgsqlConnection connection, Selection selection, CancellationToken cancellationToken)
    {
        await using var command = NpgsqlExecution.Command(connection, $"""
            SELECT coalesce(min(id), 0), coalesce(max(id), -1), count(*), count(*) FILTER (WHERE transformed_at IS NULL)
            FROM test_results WHERE {selection.Condition}
            """, selection.First, selection.Second);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// <summary>
    /// One set-based statement per id range, in its own transaction: the reset, one event for the range, and E2's
    /// wake-up (with the event, so only when something was reset), which is sent when the statement commits.
    /// </summary>
    private static async Task<long> ResetChunkAsync(NpgsqlConnection connection, Selection selection, long low, long high, CancellationToken cancellationToken) =>
        await connection.ScalarAsync<long>($"""
            WITH reset AS (
                UPDATE test_results SET transformed_at = NULL, transformed_by = NULL
                WHERE id >= $3 AND id < $4 AND transformed_at IS NOT NULL AND {selection.Condition}
                RETURNING id),
            recorded AS (
                INSERT INTO events (engine, host, subject_type, subject_id, kind, detail)
                SELECT $5, $6, 'test_result_range', min(id), 'retransform_requested',
                    jsonb_build_object('from_id', min(id), 'to_id', max(id), 'results', count(*), 'selection', $7::jsonb)
                FROM reset HAVING count(*) > 0
                RETURNING pg_notify($8, ''))
            SELECT count(*) FROM reset
            """, cancellationToken, selection.First, selection.Second, low, high, CliIdentity.Engine, CliIdentity.Current.Host,
            JsonSerializer.Serialize(selection.Recorded), Notifications.TestResultsReady);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
