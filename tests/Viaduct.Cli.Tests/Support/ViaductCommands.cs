using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Viaduct.Testing;

namespace Viaduct.Cli.Tests.Support;

/// <summary>What one run of a command printed, and its exit code.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs <c>viaduct</c> commands in-process against a test's database and inbox. Each run gets writers of its own,
/// so tests running in parallel never share the console.
/// </summary>
internal sealed class ViaductCommands(ViaductDatabase? database, S3Inbox? inbox = null)
{
    private readonly CliSettings _settings = new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Viaduct"] = database?.ConnectionString,
        ["Aws:ServiceUrl"] = inbox?.ServiceUrl,
        ["E1:Bucket"] = inbox?.Bucket,
        ["E1:InboxPrefix"] = S3Inbox.Prefix,
        // Every progress line is printed, so tests can see them; waits look often.
        ["Cli:ProgressInterval"] = "00:00:00",
        ["Cli:PollInterval"] = "00:00:00.050",
    }).Build());

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        // Without the default handler an exception fails the test with its stack trace instead of a printed line.
        var exitCode = await ViaductCli.Create(_settings).Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that must succeed.</summary>
    public async Task<CliResult> SucceedsAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"viaduct {string.Join(' ', args)} failed: {result}");
        return result;
    }
}
