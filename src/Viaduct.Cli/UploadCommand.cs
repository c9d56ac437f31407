using System.CommandLine;
using Amazon.S3.Transfer;
using Npgsql;
using Viaduct.Engines.E1.Extractor.Aws;
using Viaduct.Engines.E1.Extractor.Import;

namespace Viaduct.Cli;

internal static class UploadCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The ECLRS file to drop into the inbox" };
        var key = new Option<string?>("--key") { Description = "Object key (default: the inbox prefix + the file name)" };
        var wait = new Option<bool>("--wait") { Description = "Wait until E1 has imported the file, then print its statistics" };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "How long --wait waits", DefaultValueFactory = _ => TimeSpan.FromMinutes(5) };
        var command = new Command("upload", "Drop a file into the S3 inbox, as a lab or site would") { file, key, wait, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new CliSettings();
            var e1 = settings.E1;
            var path = parse.GetValue(file)!;
            var objectKey = parse.GetValue(key) ?? e1.InboxPrefix + path.Name;
            using var s3 = AwsClientFactory.CreateS3(settings.Aws);
            // Multipart for large files, as S3 wants beyond 5 GB and compatible servers often far sooner.
            using (var transfer = new TransferUtility(s3, new TransferUtilityConfig { MinSizeBeforePartUpload = 8 * 1024 * 1024 }))
            {
                await transfer.UploadAsync(new TransferUtilityUploadRequest
                {
                    BucketName = e1.Bucket, Key = objectKey, FilePath = path.FullName, PartSize = 8 * 1024 * 1024,
                }, cancellationToken);
            }

            var etag = S3ObjectRef.NormalizeETag((await s3.GetObjectMetadataAsync(e1.Bucket, objectKey, cancellationToken)).ETag);
            Console.WriteLine($"uploaded s3://{e1.Bucket}/{objectKey} (etag {etag})");
            if (!parse.GetValue(wait))
            {
                return 0;
            }

            await using var dataSource = NpgsqlDataSource.Create(settings.ConnectionString);
            var deadline = DateTime.UtcNow + parse.GetValue(timeout);
            while (DateTime.UtcNow < deadline)
            {
                if (await FileStatusReader.ByKeyAsync(dataSource, e1.Bucket, objectKey, etag, cancellationToken) is { IsFinished: true } status)
                {
                    FileStatusPrinter.PrintDetail(Console.Out, status);
                    return status.State == "failed" ? 1 : 0;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }

            await Console.Error.WriteLineAsync($"E1 did not finish the file within {parse.GetValue(timeout)}; is the extractor running?");
            return 1;
        });
        return command;
    }
}
