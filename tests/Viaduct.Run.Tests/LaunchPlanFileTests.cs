namespace Viaduct.Run.Tests;

public sealed class LaunchPlanFileTests : IDisposable
{
    private readonly string path = Path.GetTempFileName();

    public void Dispose() => File.Delete(path);

    [Fact]
    public void A_plan_file_gives_the_steps_and_services_with_their_environment()
    {
        File.WriteAllText(path, """
            { // comments and trailing commas are fine
              "prepare": [ { "name": "migrate", "fileName": "bash", "arguments": ["-c", "exit 0"] } ],
              "services": [ { "name": "a", "fileName": "bash", "arguments": ["-c", "sleep 1"], "environment": { "X": "1", "Y": null },
                              "url": "http://127.0.0.1:5091", "paths": ["/health"], }, ],
            }
            """);

        var plan = LaunchPlanFile.Read(path);

        Assert.Equal("migrate", Assert.Single(plan.Prepare).Name);
        var service = Assert.Single(plan.Services);
        Assert.Equal(["-c", "sleep 1"], service.Arguments);
        Assert.Equal("1", service.Environment["X"]);
        Assert.Null(service.Environment["Y"]);
        Assert.Equal(new Uri("http://127.0.0.1:5091"), service.Url);
    }

    [Theory]
    [InlineData("""{ "services": [ { "name": "a", "fileName": "bash" }, { "name": "a", "fileName": "sh" } ] }""", "names 'a' more than once")]
    [InlineData("""{ "services": [ { "name": "a" } ] }""", "needs a name and a fileName")]
    [InlineData("""{ "prepare": [ { "name": "a", "fileName": "bash" } ] }""", "lists no services")]
    [InlineData("""{ "services": [ """, "is not a plan")]
    public void A_bad_plan_file_is_refused_with_a_reason(string json, string reason)
    {
        File.WriteAllText(path, json);
        var error = Assert.Throws<ArgumentException>(() => LaunchPlanFile.Read(path));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
