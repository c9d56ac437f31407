using Microsoft.Extensions.Hosting;
using Viaduct.Cli.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.Cli.Tests;

/// <summary><c>generate</c> writes a synthetic file; <c>upload</c> drops it into a real inbox, and with --wait prints what the real E1 made of it.</summary>
public sealed class GenerateAndUploadTests : IAsyncLifetime
{
    private readonly DatabaseAndInbox _fresh = new();

    public Task InitializeAsync() => _fresh.InitializeAsync();

    public Task DisposeAsync() => _fresh.DisposeAsync();

    [Fact]
    public async Task Generate_writes_a_header_and_the_rows_asked_for()
    {
        using var file = new TempFile();
        var result = await new ViaductCommands(null).SucceedsAsync("generate", "--rows", "25", "--seed", "3", "--version", "2", "--out", file.Path);

        Assert.Contains($"wrote 25 rows", result.Output, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(file.Path);
        Assert.Equal(26, lines.Length);
        Assert.Equal(Viaduct.Samples.SyntheticEclrs.Header(Viaduct.Shared.Eclrs.EclrsVersion.V2), lines[0]);
    }

    [Fact]
    public async Task Upload_with_wait_prints_the_statistics_E1_recorded_for_the_file()
    {
        var e1 = await InProcessEngines.StartE1Async(_fresh.Database, _fresh.Inbox);
        try
        {
            using var file = new TempFile();
            var cli = new ViaductCommands(_fresh.Database, _fresh.Inbox);
            await cli.SucceedsAsync("generate", "--rows", "300", "--seed", "8", "--bad-share", "0.05", "--out", file.Path);

            var result = await cli.SucceedsAsync("upload", file.Path, "--key", "inbox/upload-wait.txt", "--wait", "--timeout", "00:01:00");

            var (rows, fresh, bad) = (
                await _fresh.Database.ScalarAsync<int>("SELECT row_count FROM files WHERE object_key = 'inbox/upload-wait.txt'"),
                await _fresh.Database.ScalarAsync<int>("SELECT new_count FROM files WHERE object_key = 'inbox/upload-wait.txt'"),
                await _fresh.Database.ScalarAsync<int>("SELECT bad_count FROM files WHERE object_key = 'inbox/upload-wait.txt'"));
            Assert.Equal(300, rows);
            Assert.True(bad > 0);
            Assert.Contains($"uploaded s3://{_fresh.Inbox.Bucket}/inbox/upload-wait.txt", result.Output, StringComparison.Ordinal);
            Assert.Contains("state      processed", result.Output, StringComparison.Ordinal);
            Assert.Contains($"rows       {rows}  (new {fresh}, duplicate {rows - fresh - bad}, bad {bad})", result.Output, StringComparison.Ordinal);
            Assert.Contains("per county", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            await EngineHosts.StopAsync(e1);
        }
    }

    [Fact]
    public async Task Upload_of_a_big_file_goes_in_parts_and_reports_its_progress()
    {
        using var file = new TempFile();
        var cli = new ViaductCommands(_fresh.Database, _fresh.Inbox);
        // About 20 MiB: three parts of 8 MiB.
        await cli.SucceedsAsync("generate", "--rows", "40000", "--seed", "4", "--out", file.Path);
        var size = new FileInfo(file.Path).Length;
        Assert.True(size > 16 * 1024 * 1024, $"the file has {size} bytes");

        var result = await cli.SucceedsAsync("upload", file.Path, "--key", "inbox/big.txt");

        var progress = result.Error.Split('\n').Where(l => l.StartsWith("uploading inbox/big.txt", StringComparison.Ordinal)).ToList();
        Assert.True(progress.Count >= 2, result.ToString());
        Assert.Contains(progress, l => l.EndsWith("(100%)", StringComparison.Ordinal));
        var stored = await _fresh.Inbox.S3.GetObjectMetadataAsync(_fresh.Inbox.Bucket, "inbox/big.txt");
        Assert.Equal(size, stored.ContentLength);
        Assert.Contains("-", stored.ETag, StringComparison.Ordinal); // a multipart upload's ETag
    }

    [Fact]
    public async Task Upload_of_a_missing_file_fails_with_a_clear_message()
    {
        var result = await new ViaductCommands(_fresh.Database, _fresh.Inbox).RunAsync("upload", "/nonexistent/viaduct.txt");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no such file", result.Error, StringComparison.Ordinal);
    }
}
