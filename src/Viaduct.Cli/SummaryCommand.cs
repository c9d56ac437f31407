using System.CommandLine;
using System.Globalization;
using Npgsql;

namespace Viaduct.Cli;

/// <summary>What E2 made of the results so far: outcomes by kind, people, and index cases and lab results per county.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var wait = new Option<bool>("--wait") { Description = "First wait until E2 has taken every result that is ready" };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "How long --wait waits", DefaultValueFactory = _ => TimeSpan.FromMinutes(5) };
        var command = new Command("summary", "People, index cases and lab results made from the results, and each result's outcome") { wait, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var dataSource = NpgsqlDataSource.Create(new CliSettings().ConnectionString);
            if (parse.GetValue(wait) && !await WaitForTransformAsync(dataSource, parse.GetValue(timeout), cancellationToken))
            {
                await Console.Error.WriteLineAsync($"results were still waiting for E2 after {parse.GetValue(timeout)}; is the transformer running?");
                return 1;
            }

            await PrintAsync(dataSource, Console.Out, cancellationToken);
            return 0;
        });
        return command;
    }

    private static async Task<bool> WaitForTransformAsync(NpgsqlDataSource dataSource, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM test_results WHERE transformed_at IS NULL)");
        while (DateTime.UtcNow < deadline)
        {
            if (await command.ExecuteScalarAsync(cancellationToken) is false)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        return false;
    }

    private static async Task PrintAsync(NpgsqlDataSource dataSource, TextWriter output, CancellationToken cancellationToken)
    {
        await using (var totals = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM test_results), (SELECT count(*) FROM people), (SELECT count(*) FROM index_cases),
                   (SELECT count(*) FROM lab_results), (SELECT count(*) FROM merge_conflicts)
            """))
        await using (var reader = await totals.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"results {reader.GetInt64(0)}, people {reader.GetInt64(1)}, index cases {reader.GetInt64(2)}, lab results {reader.GetInt64(3)}, dropped conflicting values {reader.GetInt64(4)}"));
        }

        await using (var outcomes = dataSource.CreateCommand("""
            SELECT outcome, count(*) FROM (
                SELECT DISTINCT ON (test_result_id) outcome FROM transform_outcomes ORDER BY test_result_id, id DESC) AS latest
            GROUP BY outcome ORDER BY outcome
            """))
        await using (var reader = await outcomes.ExecuteReaderAsync(cancellationToken))
        {
            var parts = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)} {reader.GetInt64(1)}"));
            }

            await output.WriteLineAsync("outcomes: " + (parts.Count == 0 ? "none yet" : string.Join(", ", parts)));
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"{"county",-8} {"name",-16} {"domain",-24} {"posted",-6} {"cases",7} {"lab results",11}");
        await using var perCounty = dataSource.CreateCommand("""
            SELECT c.fips, c.name, c.domain, c.participating, count(DISTINCT i.id), count(l.id)
            FROM index_cases i JOIN counties c ON c.fips = i.county_fips LEFT JOIN lab_results l ON l.index_case_id = i.id
            GROUP BY c.fips, c.name, c.domain, c.participating ORDER BY count(DISTINCT i.id) DESC, c.fips
            """);
        await using var rows = await perCounty.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{rows.GetString(0),-8} {rows.GetString(1),-16} {rows.GetString(2),-24} {(rows.GetBoolean(3) ? "yes" : "no"),-6} {rows.GetInt64(4),7} {rows.GetInt64(5),11}"));
        }
    }
}
