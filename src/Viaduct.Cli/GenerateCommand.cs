using System.CommandLine;
using System.Globalization;
using Viaduct.Shared.Eclrs;
using Viaduct.Samples;

namespace Viaduct.Cli;

internal static class GenerateCommand
{
    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "Number of data rows", DefaultValueFactory = _ => 1000 };
        var duplicateShare = new Option<double>("--duplicate-share") { Description = "Share of rows repeated from the export of the same seed that starts at row 0 (0 to 1)" };
        var version = new Option<int>("--version") { Description = "ECLRS header version: 1, 2 or 3", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Another seed gives other people and results", DefaultValueFactory = _ => 1 };
        var badShare = new Option<double>("--bad-share") { Description = "Share of bad rows (0 to 1)" };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the file", Required = true };
        var command = new Command("generate", "Write a synthetic ECLRS file of fictitious people") { rows, duplicateShare, version, seed, badShare, output };
        command.SetAction(parse =>
        {
            var count = parse.GetValue(rows);
            var options = new SyntheticEclrsOptions
            {
                Rows = count,
                // Without a duplicate share the file is the export that starts at row 0.
                FirstIndex = parse.GetValue(duplicateShare) is > 0 and var share ? SyntheticEclrs.FirstIndexForDuplicateShare(count, share) : 0,
                Version = (EclrsVersion)parse.GetValue(version),
                Seed = parse.GetValue(seed),
                BadRowShare = parse.GetValue(badShare),
            };
            var path = parse.GetValue(output)!.FullName;
            var bytes = SyntheticEclrs.WriteFile(path, options);
            parse.InvocationConfiguration.Output.WriteLine(
                string.Create(CultureInfo.InvariantCulture, $"wrote {count} rows ({bytes / 1024.0 / 1024.0:F1} MiB) to {path}"));
            return 0;
        });
        return command;
    }
}
