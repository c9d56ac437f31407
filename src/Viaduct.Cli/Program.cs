using System.CommandLine;
using Viaduct.Cli;

var root = new RootCommand("Viaduct: carry lab result files from S3 to a case-management system.")
{
    GenerateCommand.Create(),
    UploadCommand.Create(),
    FilesCommand.Create(),
    SummaryCommand.Create(),
    ReenqueueCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
