using System.Net;
using System.Text.Json;
using Viaduct.Dashboard.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.Dashboard.Tests;

/// <summary>Like every Viaduct host, the dashboard host answers /health and /metrics (open, for probes and Prometheus).</summary>
public sealed class OperationsEndpointTests(ViaductDatabase database) : IClassFixture<ViaductDatabase>
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_reports_healthy_with_the_database_up(string path)
    {
        await using var host = await DashboardHost.StartAsync(database.ConnectionString);
        using var http = host.NewClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}: {text}");
        using var report = JsonDocument.Parse(text);
        Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Metrics_count_the_requests_the_host_answered()
    {
        await using var host = await DashboardHost.StartAsync(database.ConnectionString);
        using var http = host.NewClient();
        using (await http.GetAsync(new Uri("/ops/api/status", UriKind.Relative)))
        {
        }

        var metrics = await Eventually.ReturnsAsync(
            () => http.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            text => text.Contains("http_server_request_duration_seconds_count", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the request to show in /metrics");

        Assert.Contains("http_route=\"/ops/api/status\"", metrics, StringComparison.Ordinal);
    }
}
