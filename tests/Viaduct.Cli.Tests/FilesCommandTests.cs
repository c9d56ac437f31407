using System.Text.Json;
using Viaduct.Cli.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.Cli.Tests;

/// <summary><c>files</c> lists recent files from <c>StatusReader.FilesAsync</c>, with failure reasons and what a duplicate duplicates.</summary>
public sealed class FilesCommandTests(ViaductDatabase database) : IClassFixture<ViaductDatabase>
{
    [Fact]
    public async Task The_list_shows_states_figures_reasons_and_duplicates_newest_first_and_one_file_in_full()
    {
        var original = await Rows.AddFileAsync(database, "inbox/files-original.txt", "processed");
        var duplicate = await Rows.AddFileAsync(database, "inbox/files-again.txt", "duplicate", duplicateOf: original);
        var failed = await Rows.AddFileAsync(database, "inbox/files-broken.txt", "failed", "EclrsFormatException: line 1 has 3 fields");
        await database.ExecuteAsync(
            """UPDATE files SET county_stats = '{"36001": {"rows": 6, "new": 4, "duplicate": 1, "bad": 1}}' WHERE id = $1""", original);
        var commands = new ViaductCommands(database);

        var table = (await commands.SucceedsAsync("files", "--limit", "3")).Output;
        var lines = table.Split('\n');
        Assert.StartsWith($"{failed,6}  failed", lines[1], StringComparison.Ordinal);
        Assert.Equal("        reason: EclrsFormatException: line 1 has 3 fields", lines[2]);
        Assert.StartsWith($"{duplicate,6}  duplicate", lines[3], StringComparison.Ordinal);
        Assert.Equal($"        duplicate of file {original} (same content)", lines[4]);
        Assert.StartsWith($"{original,6}  processed        10        7        2      1", lines[5], StringComparison.Ordinal);

        var json = JsonDocument.Parse((await commands.SucceedsAsync("files", "--limit", "3", "--json")).Output).RootElement;
        Assert.Equal([failed, duplicate, original], json.EnumerateArray().Select(f => f.GetProperty("id").GetInt64()));
        Assert.Equal(original, json[1].GetProperty("duplicateOfFileId").GetInt64());
        Assert.Equal("inbox/files-broken.txt", json[0].GetProperty("objectKey").GetString());

        var detail = (await commands.SucceedsAsync("files", $"{original}")).Output;
        Assert.Contains("rows       10  (new 7, duplicate 2, bad 1)", detail, StringComparison.Ordinal);
        Assert.Contains("    36001         6      4      1      1", detail, StringComparison.Ordinal);

        var missing = await commands.RunAsync("files", "987654");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no file 987654", missing.Error, StringComparison.Ordinal);
    }
}
