using System.CommandLine;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Cli;

internal static class FilesCommand
{
    public static Command Create(CliSettings settings)
    {
        var id = new Argument<long?>("id") { Description = "One file's id: print it in full, per county", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int>("--limit") { Description = "How many of the latest files", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("files", "Recent files: state, statistics, failure reasons and duplicates; or one file in full") { id, limit, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            await using var dataSource = settings.OpenDataSource();
            if (parse.GetValue(id) is { } fileId)
            {
                if (await FileDetails.ByIdAsync(dataSource, fileId, cancellationToken) is not { } file)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"no file {fileId}");
                    return 1;
                }

                if (parse.GetValue(json))
                {
                    await output.WriteLineAsync(CliJson.Serialize(file));
                }
                else
                {
                    FileStatusPrinter.PrintDetail(output, file);
                }

                return 0;
            }

            var files = await new StatusReader(dataSource).FilesAsync(parse.GetValue(limit), cancellationToken);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(files));
            }
            else
            {
                FileStatusPrinter.PrintTable(output, files);
            }

            return 0;
        });
        return command;
    }
}
