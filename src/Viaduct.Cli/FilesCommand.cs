using System.CommandLine;
using System.Text.Json;
using Npgsql;

namespace Viaduct.Cli;

internal static class FilesCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var limit = new Option<int>("--limit") { Description = "How many of the latest files", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("files", "Recent files: state, statistics and failure reasons") { limit, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var dataSource = NpgsqlDataSource.Create(new CliSettings().ConnectionString);
            var files = await FileStatusReader.RecentAsync(dataSource, parse.GetValue(limit), cancellationToken);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(files, Indented));
            }
            else
            {
                FileStatusPrinter.PrintTable(Console.Out, files);
            }

            return 0;
        });
        return command;
    }
}
