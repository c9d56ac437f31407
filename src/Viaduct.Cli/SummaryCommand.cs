using System.CommandLine;
using System.Globalization;
using Npgsql;

namespace Viaduct.Cli;

/// <summary>What E2 made of the results so far: outcomes by kind, people, and index cases and lab results per county.</summary>
internal static class SummaryCommand
{
    public static Command Create(CliSettings settings)
    {
        var wait = new Option<bool>("--wait") { Description = "First wait until E2 has taken every result that is ready" };
        var waitPosted = new Option<bool>("--wait-posted")
        {
            Description = "Also wait until E3 and E4 have posted every postable case (or parked or given up on it)",
        };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "How long --wait waits", DefaultValueFactory = _ => TimeSpan.FromMinutes(5) };
        var command = new Command("summary", "People, index cases and lab results made from the results, each result's outcome, and what was posted per county")
        {
            wait, waitPosted, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            await using var dataSource = settings.OpenDataSource();
            var deadline = DateTime.UtcNow + parse.GetValue(timeout);
            if ((parse.GetValue(wait) || parse.GetValue(waitPosted)) && !await WaitAsync(dataSource, NothingToTransform, deadline, settings.PollInterval, cancellationToken))
            {
                await error.WriteLineAsync($"results were still waiting for E2 after {parse.GetValue(timeout)}; is the transformer running?");
                return 1;
            }

            if (parse.GetValue(waitPosted) && !await WaitAsync(dataSource, NothingToPost, deadline, settings.PollInterval, cancellationToken))
            {
                await error.WriteLineAsync($"cases were still waiting to be posted after {parse.GetValue(timeout)}; are E3 and E4 running?");
                return 1;
            }

            await PrintAsync(dataSource, parse.InvocationConfiguration.Output, cancellationToken);
            return 0;
        });
        return command;
    }

    private const string NothingToTransform = "SELECT NOT EXISTS (SELECT 1 FROM test_results WHERE transformed_at IS NULL)";

    // Every postable case is posted at its latest version, or parked or given up on (those need an operator).
    private const string NothingToPost = """
        SELECT NOT EXISTS (
            SELECT 1 FROM index_cases
            WHERE postable AND coalesce(post_state, '') NOT IN ('parked', 'failed') AND (post_state IS DISTINCT FROM 'posted' OR posted_version < version))
        """;

    private static async Task<bool> WaitAsync(NpgsqlDataSource dataSource, string condition, DateTime deadline, TimeSpan poll, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(condition);
        while (DateTime.UtcNow < deadline)
        {
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return true;
            }

            await Task.Delay(poll, cancellationToken);
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
        await output.WriteLineAsync(
            $"{"county",-8} {"name",-16} {"domain",-24} {"takes part",-10} {"cases",7} {"lab results",11} {"posted",7} {"parked",7} {"failed",7}");
        await using var perCounty = dataSource.CreateCommand("""
            SELECT c.fips, c.name, c.domain, c.participating, count(*),
                (SELECT count(*) FROM lab_results l JOIN index_cases x ON x.id = l.index_case_id WHERE x.county_fips = c.fips),
                count(*) FILTER (WHERE i.post_state = 'posted'), count(*) FILTER (WHERE i.post_state = 'parked'),
                count(*) FILTER (WHERE i.post_state = 'failed')
            FROM index_cases i JOIN counties c ON c.fips = i.county_fips
            GROUP BY c.fips, c.name, c.domain, c.participating ORDER BY count(*) DESC, c.fips
            """);
        await using var rows = await perCounty.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{rows.GetString(0),-8} {rows.GetString(1),-16} {rows.GetString(2),-24} {(rows.GetBoolean(3) ? "yes" : "no"),-10} {rows.GetInt64(4),7} {rows.GetInt64(5),11} {rows.GetInt64(6),7} {rows.GetInt64(7),7} {rows.GetInt64(8),7}"));
        }
    }
}
