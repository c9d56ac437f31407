namespace Viaduct.Run.Tests;

public class RunCommandTests
{
    [Fact]
    public void Only_and_replicas_may_be_repeated_and_the_stop_timeout_is_a_time_span() =>
        Assert.Empty(RunCommand.Create().Parse("--only e2 --only e3,e4 --replicas e2=3 --replicas e3=2,e4=2 --stop-timeout 00:00:05 --no-dashboard").Errors);

    [Theory]
    [InlineData("--stop-timeout 00:00:00")]
    [InlineData("--stop-timeout 00:10:01")]
    [InlineData("--stop-timeout soon")]
    [InlineData("--replicas")]
    [InlineData("--bogus")]
    public void Bad_options_are_refused_before_anything_starts(string commandLine) =>
        Assert.NotEmpty(RunCommand.Create().Parse(commandLine).Errors);
}
