using Npgsql;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Cli.Trace;

/// <summary>
/// Runs a query whose rows are steps: <c>(at, engine, host, subject, step, detail, reason)</c>. The reason, free text
/// from another system, goes through the redactor before it joins the detail.
/// </summary>
internal static class StepReader
{
    public static async Task AddAsync(
        NpgsqlConnection connection, List<TraceStep> steps, PhiRedactor redactor, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = NpgsqlExecution.Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var detail = reader.IsDBNull(5) ? null : reader.GetString(5);
            if (!reader.IsDBNull(6) && redactor.Redact(OneLine(reader.GetString(6))) is { Length: > 0 } reason)
            {
                detail = detail is null ? reason : $"{detail}: {reason}";
            }

            steps.Add(new TraceStep(
                reader.GetDateTime(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), reader.GetString(4),
                detail is { Length: > 0 } ? detail : null));
        }
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 300 ? line : line[..297] + "...";
    }
}
