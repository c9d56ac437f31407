using System.CommandLine;
using Viaduct.Cli.Trace;

namespace Viaduct.Cli;

/// <summary>The <c>viaduct</c> command tree, on the settings given (the environment's, or a test's).</summary>
internal static class ViaductCli
{
    public static RootCommand Create(CliSettings settings) => new("Viaduct: carry lab result files from S3 to a case-management system.")
    {
        GenerateCommand.Create(),
        UploadCommand.Create(settings),
        StatusCommand.Create(settings),
        FilesCommand.Create(settings),
        TraceCommand.Create(settings),
        ReplayFileCommand.Create(settings),
        RetransformCommand.Create(settings),
        SummaryCommand.Create(settings),
        ReenqueueCommand.Create(settings),
    };
}
