using System.Text.Json;
using Viaduct.Cli.Tests.Support;
using Viaduct.Shared.Data.Operations;
using Viaduct.Testing;

namespace Viaduct.Cli.Tests;

/// <summary>
/// <c>trace</c> after a full run on real parts: a file uploaded with the command, imported by E1, transformed by E2,
/// enqueued by E3, posted by E4 to the CommCare-like server, edited there and synced back by E5.
/// </summary>
public sealed class TraceTests : IAsyncLifetime
{
    private readonly DatabaseAndInbox _fresh = new();
    private CommCareServer _commCare = null!;

    public async Task InitializeAsync()
    {
        await _fresh.InitializeAsync();
        _commCare = await CommCareServer.StartAsync(_fresh.Database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _commCare.DisposeAsync();
        await _fresh.DisposeAsync();
    }

    [Fact]
    public async Task A_case_traced_after_a_full_run_shows_every_engines_steps_in_time_order_and_no_patient_data()
    {
        var commands = new ViaductCommands(_fresh.Database, _fresh.Inbox);
        await RunEverythingAsync(commands);
        var caseId = await _fresh.Database.ScalarAsync<long>("""
            SELECT c.id FROM index_cases c WHERE c.post_state = 'posted' AND EXISTS (SELECT 1 FROM sync_changes s WHERE s.index_case_id = c.id)
            ORDER BY c.id LIMIT 1
            """);
        var personId = await _fresh.Database.ScalarAsync<long>("SELECT person_id FROM index_cases WHERE id = $1", caseId);
        var resultId = await _fresh.Database.ScalarAsync<long>(
            "SELECT min(test_result_id) FROM transform_outcomes WHERE person_id = $1 AND $2 = ANY(index_case_ids)", personId, caseId);
        var fileId = await _fresh.Database.ScalarAsync<long>("SELECT file_id FROM test_results WHERE id = $1", resultId);

        var text = (await commands.SucceedsAsync("trace", "case", $"{caseId}")).Output;

        Assert.StartsWith($"case {caseId}\n", text, StringComparison.Ordinal);
        Assert.Matches($@"\n  person +{personId}\n", text);
        foreach (var step in new[]
        {
            $"file {fileId}", "received", "processed", $"result {resultId}", "stored", $"person {personId}", "created",
            $"case {caseId}", "enqueued", "post succeeded", "synced updated", "fields contact_phone_number", "pull succeeded",
        })
        {
            Assert.Contains(step, text, StringComparison.Ordinal);
        }

        var json = JsonDocument.Parse((await commands.SucceedsAsync("trace", "case", $"{caseId}", "--json")).Output).RootElement;
        Assert.Equal("case", json.GetProperty("subject").GetString());
        var steps = json.GetProperty("steps").EnumerateArray().ToList();
        var engines = steps.Select(s => s.GetProperty("engine").GetString()!).ToHashSet();
        Assert.Superset(EngineNames.All.ToHashSet(), engines);
        var times = steps.Select(s => s.GetProperty("at").GetDateTime()).ToList();
        Assert.Equal(times.Order(), times);
        // Each engine's first step comes after the one before it in the pipeline.
        var firsts = EngineNames.All.Select(e => times[steps.FindIndex(s => s.GetProperty("engine").GetString() == e)]).ToList();
        Assert.Equal(firsts.Order(), firsts);

        var traces = new List<string> { text, json.GetRawText() };
        foreach (var (kind, id) in new[] { ("result", resultId), ("person", personId), ("file", fileId) })
        {
            var output = (await commands.SucceedsAsync("trace", kind, $"{id}")).Output;
            Assert.All(EngineNames.All.Take(4), engine => Assert.Contains(engine, output, StringComparison.Ordinal));
            traces.Add(output);
            traces.Add((await commands.SucceedsAsync("trace", kind, $"{id}", "--json")).Output);
        }

        var file = traces[^2];
        Assert.Contains("E2 outcomes", file, StringComparison.Ordinal);
        Assert.Contains("cases touched", file, StringComparison.Ordinal);
        Assert.Contains("post succeeded", file, StringComparison.Ordinal);
        Assert.DoesNotContain($"result {resultId} ", file, StringComparison.Ordinal); // a summary, not every result

        var patientData = await PatientDataAsync(personId, caseId);
        Assert.NotEmpty(patientData);
        foreach (var trace in traces)
        {
            Assert.All(patientData, value => Assert.DoesNotContain(value, trace, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_reason_that_quotes_the_patient_is_printed_with_their_data_redacted()
    {
        await Rows.AddCountyAsync(_fresh.Database, "91003", "trace-redact");
        var personId = await _fresh.Database.ScalarAsync<long>("""
            INSERT INTO people (patient_keys, last_name, first_name, date_of_birth, created_by)
            VALUES ('{K-QUOTED}', 'QUOTEDLAST', 'QUOTEDFIRST', '1971-03-09', 'e2-transformer@box:1') RETURNING id
            """);
        const string Refusal = "HTTP 422: case of QUOTEDLAST, Quotedfirst born 1971-03-09 (03/09/1971) at 12 QUOTED WAY, phone 5550199, refused";
        var caseId = await _fresh.Database.ScalarAsync<long>("""
            INSERT INTO index_cases (person_id, county_fips, external_id, properties, postable, post_state, post_error, created_by)
            VALUES ($1, '91003', 'P' || $1, $2::jsonb, true, 'parked', $3, 'e2-transformer@box:1') RETURNING id
            """, personId,
            """{"last_name": "QUOTEDLAST", "first_name": "QUOTEDFIRST", "dob": "1971-03-09", "address_street": "12 QUOTED WAY", "contact_phone_number": "5550199"}""",
            Refusal);
        await _fresh.Database.ExecuteAsync("""
            INSERT INTO post_attempts (index_case_id, job_id, attempt, outcome, status_code, reason, domain, version, engine, host)
            VALUES ($1, '7', 0, 'parked', 422, $2, 'trace-redact', 1, 'e4-loader', 'box:2')
            """, caseId, Refusal);
        var commands = new ViaductCommands(_fresh.Database, _fresh.Inbox);

        var text = (await commands.SucceedsAsync("trace", "case", $"{caseId}")).Output;
        var json = (await commands.SucceedsAsync("trace", "person", $"{personId}", "--json")).Output;

        const string Redacted = "HTTP 422: case of [redacted], [redacted] born [redacted] ([redacted]) at [redacted], phone [redacted], refused";
        Assert.Matches("post error +" + System.Text.RegularExpressions.Regex.Escape(Redacted), text);
        Assert.Contains("post parked", text, StringComparison.Ordinal);
        Assert.Contains("job 7, try 1, HTTP 422, domain trace-redact, version 1: " + Redacted, text, StringComparison.Ordinal);
        Assert.Contains(Redacted, json, StringComparison.Ordinal);
        foreach (var secret in new[] { "QUOTED", "Quoted", "1971", "5550199" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unknown_items_and_kinds_are_refused()
    {
        var commands = new ViaductCommands(_fresh.Database, _fresh.Inbox);

        var missing = await commands.RunAsync("trace", "case", "424242");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no case 424242", missing.Error, StringComparison.Ordinal);

        var kind = await commands.RunAsync("trace", "county", "1");
        Assert.NotEqual(0, kind.ExitCode);
        Assert.Contains("county", kind.Error, StringComparison.Ordinal);
    }

    private async Task RunEverythingAsync(ViaductCommands commands)
    {
        using var file = new TempFile();
        await commands.SucceedsAsync("generate", "--rows", "40", "--seed", "21", "--bad-share", "0.05", "--out", file.Path);
        var e1 = await InProcessEngines.StartE1Async(_fresh.Database, _fresh.Inbox);
        try
        {
            await commands.SucceedsAsync("upload", file.Path, "--key", "inbox/trace.txt", "--wait", "--timeout", "00:01:00");
        }
        finally
        {
            await EngineHosts.StopAsync(e1);
        }

        await InProcessEngines.TransformAllAsync(_fresh.Database);
        await using (var outbound = await OutboundPipeline.StartAsync(_fresh.Database, _commCare))
        {
            Assert.True(await outbound.EnqueueAllAsync() > 0);
            await outbound.StartE4Async();
            await outbound.WaitUntilSettledAsync(TimeSpan.FromSeconds(60));
        }

        // E5's first pull brings our posts back unchanged; a person then edits one case in CommCare, and the next pull takes it.
        await EngineHosts.SyncAllAsync(_fresh.Database, _commCare);
        var posted = await _fresh.Database.ScalarAsync<string>(
            "SELECT posted_domain || '|' || external_id FROM index_cases WHERE post_state = 'posted' AND case_id IS NOT NULL ORDER BY id LIMIT 1");
        var (domain, externalId) = (posted.Split('|')[0], posted.Split('|')[1]);
        await _commCare.UpsertAsync(domain, new[]
        {
            new { external_id = externalId, properties = new Dictionary<string, string> { ["contact_phone_number"] = "5550142" } },
        });
        await EngineHosts.SyncAllAsync(_fresh.Database, _commCare);
    }

    /// <summary>The traced person's name and date of birth, and the case's address and phone, as the database holds them.</summary>
    private async Task<List<string>> PatientDataAsync(long personId, long caseId)
    {
        var values = await _fresh.Database.ScalarAsync<string[]>("""
            SELECT ARRAY[p.last_name, p.first_name, to_char(p.date_of_birth, 'YYYY-MM-DD'), to_char(p.date_of_birth, 'MM/DD/YYYY'),
                         upper(to_char(p.date_of_birth, 'DDMonYYYY')),
                         c.properties->>'last_name', c.properties->>'first_name', c.properties->>'full_name', c.properties->>'dob',
                         c.properties->>'address_street', c.properties->>'contact_phone_number']
            FROM people p JOIN index_cases c ON c.person_id = p.id WHERE p.id = $1 AND c.id = $2
            """, personId, caseId);
        return [.. values.Where(v => v is { Length: >= 3 })];
    }
}
