using System.CommandLine;
using System.Globalization;
using Amazon.S3.Transfer;
using Viaduct.Engines.E1.Extractor.Aws;
using Viaduct.Engines.E1.Extractor.Import;

namespace Viaduct.Cli;

internal static class UploadCommand
{
    private const int PartSize = 8 * 1024 * 1024;

    public static Command Create(CliSettings settings)
    {
        var file = new Argument<FileInfo>("file") { Description = "The ECLRS file to drop into the inbox" };
        var key = new Option<string?>("--key") { Description = "Object key (default: the inbox prefix + the file name)" };
        var wait = new Option<bool>("--wait") { Description = "Wait until E1 has imported the file, then print its statistics" };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "How long --wait waits", DefaultValueFactory = _ => TimeSpan.FromMinutes(5) };
        var command = new Command("upload", "Drop a file into the S3 inbox, as a lab or site would") { file, key, wait, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var e1 = settings.E1;
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await error.WriteLineAsync($"no such file: {path.FullName}");
                return 1;
            }

            var objectKey = parse.GetValue(key) ?? e1.InboxPrefix + path.Name;
            using var s3 = AwsClientFactory.CreateS3(settings.Aws);
            var progress = new Progress(error, settings.ProgressInterval);
            var gate = new Lock();
            // Multipart for large files, as S3 wants beyond 5 GB and compatible servers often far sooner.
            using (var transfer = new TransferUtility(s3, new TransferUtilityConfig { MinSizeBeforePartUpload = PartSize }))
            {
                var request = new TransferUtilityUploadRequest { BucketName = e1.Bucket, Key = objectKey, FilePath = path.FullName, PartSize = PartSize };
                // The SDK reports from its own threads, part by part.
                request.UploadProgressEvent += (_, e) =>
                {
                    lock (gate)
                    {
                        progress.Report(() => string.Create(CultureInfo.InvariantCulture,
                            $"uploading {objectKey}: {Mib(e.TransferredBytes)} of {Mib(e.TotalBytes)} MiB ({Progress.Percent(e.TransferredBytes, e.TotalBytes)})"));
                    }
                };
                await transfer.UploadAsync(request, cancellationToken);
            }

            // The SDK may raise its last progress event after the upload has returned: the final line is ours.
            lock (gate)
            {
                progress.Done(string.Create(CultureInfo.InvariantCulture,
                    $"uploading {objectKey}: {Mib(path.Length)} of {Mib(path.Length)} MiB (100%)"));
            }

            var etag = S3ObjectRef.NormalizeETag((await s3.GetObjectMetadataAsync(e1.Bucket, objectKey, cancellationToken)).ETag);
            await output.WriteLineAsync($"uploaded s3://{e1.Bucket}/{objectKey} (etag {etag})");
            if (!parse.GetValue(wait))
            {
                return 0;
            }

            await using var dataSource = settings.OpenDataSource();
            var deadline = DateTime.UtcNow + parse.GetValue(timeout);
            while (DateTime.UtcNow < deadline)
            {
                var status = await FileDetails.ByKeyAsync(dataSource, e1.Bucket, objectKey, etag, cancellationToken);
                if (status is { IsFinished: true })
                {
                    FileStatusPrinter.PrintDetail(output, status);
                    return status.State == "failed" ? 1 : 0;
                }

                progress.Report(() => status is null
                    ? "waiting for E1 to register the file"
                    : string.Create(CultureInfo.InvariantCulture, $"file {status.Id} is {status.State}{(status.ClaimedBy is { } host ? $" on {host}" : "")}"));
                await Task.Delay(settings.PollInterval, cancellationToken);
            }

            await error.WriteLineAsync($"E1 did not finish the file within {parse.GetValue(timeout)}; is the extractor running?");
            return 1;
        });
        return command;
    }

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);
}
