namespace Viaduct.Run.Tests;

public class StartTableTests
{
    [Fact]
    public void Each_process_shows_its_pid_and_the_urls_of_its_paths()
    {
        var e2 = new ProcessSpec("e2-transformer", "dotnet", [], new Dictionary<string, string?>(), Url: new Uri("http://127.0.0.1:5092"), Paths: ["/health", "/metrics"]);
        var script = new ProcessSpec("a", "bash", [], new Dictionary<string, string?>());

        var lines = StartTable.Format([(e2, 4242), (script, 7)]);

        Assert.Equal(
            ["name            pid   urls",
             "e2-transformer  4242  http://127.0.0.1:5092/health  http://127.0.0.1:5092/metrics",
             "a               7     -"],
            lines);
    }
}
