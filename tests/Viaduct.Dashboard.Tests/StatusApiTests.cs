using System.Net;
using System.Text.Json;
using Viaduct.Dashboard.Tests.Support;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Dashboard.Tests;

/// <summary><c>/ops/api/status</c> of the real host over real HTTP, against rows put in the database with SQL.</summary>
public sealed class StatusApiTests(SeededDashboard dashboard) : IClassFixture<SeededDashboard>
{
    [Fact]
    public async Task The_status_shows_each_engines_backlog_hosts_and_last_error()
    {
        var status = await StatusAsync();

        var engines = status.GetProperty("engines").EnumerateArray().ToDictionary(e => e.GetProperty("engine").GetString()!);
        Assert.Equal(EngineNames.All, engines.Keys);
        Assert.Equal(1, engines[EngineNames.Extractor].GetProperty("backlog").GetInt64());

        var e2 = engines[EngineNames.Transformer];
        Assert.Equal(OperationsRows.ReadyForE2, e2.GetProperty("backlog").GetInt64());
        Assert.InRange(e2.GetProperty("lagSeconds").GetDouble(), 7 * 60, 30 * 60);
        Assert.Equal(1, e2.GetProperty("liveHosts").GetInt32());
        Assert.Equal(OperationsRows.E2ItemsPerMinute, e2.GetProperty("itemsPerMinute").GetDouble());
        Assert.Equal(OperationsRows.E2Error, e2.GetProperty("lastError").GetString());
        Assert.Equal(JsonValueKind.String, e2.GetProperty("lastErrorAt").ValueKind);

        // E4's only host stopped reporting an hour ago: not live, but its last error still says why.
        var e4 = engines[EngineNames.Loader];
        Assert.Equal(0, e4.GetProperty("liveHosts").GetInt32());
        Assert.Equal(OperationsRows.E4Error, e4.GetProperty("lastError").GetString());

        Assert.Equal(0, engines[EngineNames.Enqueuer].GetProperty("backlog").GetInt64());
        Assert.Equal(JsonValueKind.Null, engines[EngineNames.Enqueuer].GetProperty("lagSeconds").ValueKind);
    }

    [Fact]
    public async Task The_status_lists_the_latest_files_newest_first_with_their_figures()
    {
        var rows = dashboard.Rows;
        var files = (await StatusAsync()).GetProperty("latestFiles").EnumerateArray().ToList();

        Assert.Equal([rows.WaitingFileId, rows.FailedFileId, rows.DuplicateFileId, rows.ProcessedFileId], files.Select(f => f.GetProperty("id").GetInt64()));
        var processed = files[3];
        Assert.Equal(OperationsRows.ProcessedKey, processed.GetProperty("objectKey").GetString());
        Assert.Equal("processed", processed.GetProperty("state").GetString());
        Assert.Equal((5, 3, 1, 1), (
            processed.GetProperty("rows").GetInt32(), processed.GetProperty("new").GetInt32(),
            processed.GetProperty("duplicate").GetInt32(), processed.GetProperty("bad").GetInt32()));
        Assert.Equal(JsonValueKind.String, processed.GetProperty("finishedAt").ValueKind);
        Assert.Equal(rows.ProcessedFileId, files[2].GetProperty("duplicateOfFileId").GetInt64());
        Assert.Equal(OperationsRows.FailedFileError, files[1].GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, files[0].GetProperty("finishedAt").ValueKind);
    }

    [Fact]
    public async Task The_status_lists_the_parked_cases_with_their_reason_and_count()
    {
        var status = await StatusAsync();

        Assert.Equal(1, status.GetProperty("parkedCaseCount").GetInt64());
        var parked = Assert.Single(status.GetProperty("parkedCases").EnumerateArray().ToList());
        Assert.Equal(dashboard.Rows.ParkedCaseId, parked.GetProperty("indexCaseId").GetInt64());
        Assert.Equal(OperationsRows.ParkedExternalId, parked.GetProperty("externalId").GetString());
        Assert.Equal(OperationsRows.CountyFips, parked.GetProperty("countyFips").GetString());
        Assert.Equal("parked", parked.GetProperty("postState").GetString());
        Assert.Equal(OperationsRows.ParkedReason, parked.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_page_and_its_assets_are_served_from_the_assembly_with_a_strict_policy()
    {
        using var http = dashboard.Host.NewClient();

        using var page = await http.GetAsync(new Uri("/ops", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"backlog\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"viewport\"", html, StringComparison.Ordinal);
        // The configured refresh interval (1 s in these tests) reaches the page.
        Assert.Contains("data-refresh-ms=\"1000\"", html, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        foreach (var (asset, type) in new[] { ("/ops/ops.js", "text/javascript"), ("/ops/ops.css", "text/css") })
        {
            using var response = await http.GetAsync(new Uri(asset, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_root_leads_to_the_operator_page()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = dashboard.Host.Address };

        using var response = await http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ops", response.Headers.Location?.OriginalString);
    }

    private async Task<JsonElement> StatusAsync()
    {
        using var http = dashboard.Host.NewClient();
        using var response = await http.GetAsync(new Uri("/ops/api/status", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/ops/api/status answered {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
