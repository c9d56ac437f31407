using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Viaduct.Bench;

/// <summary>
/// A bucket and a queue of the benchmark's own on the S3/SQS server, wired by a bucket notification (objects
/// put under <see cref="Prefix"/> become ObjectCreated events on the queue), so that no other engine or test
/// sharing the server takes the benchmark's events. Everything is deleted again on dispose.
/// </summary>
internal sealed class BenchInbox : IAsyncDisposable
{
    public const string Prefix = "inbox/";

    private const long PartSize = 8L << 20;

    private BenchInbox(string serviceUrl, string region, string id)
    {
        var credentials = new BasicAWSCredentials(
            Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 } key ? key : "test",
            Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } secret ? secret : "test");
        S3 = new AmazonS3Client(credentials, new AmazonS3Config
        {
            ServiceURL = serviceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = region,
            Timeout = TimeSpan.FromMinutes(10),
        });
        Sqs = new AmazonSQSClient(credentials, new AmazonSQSConfig { ServiceURL = serviceUrl, AuthenticationRegion = region });
        Bucket = $"viaduct-bench-{id}";
        QueueName = $"viaduct-bench-{id}";
    }

    public string Bucket { get; }

    public string QueueName { get; }

    public string QueueUrl { get; private set; } = "";

    public IAmazonS3 S3 { get; }

    public IAmazonSQS Sqs { get; }

    public static async Task<BenchInbox> CreateAsync(string serviceUrl, string region, CancellationToken cancellationToken)
    {
        var inbox = new BenchInbox(serviceUrl, region, BenchCommands.NewId());
        try
        {
            await inbox.S3.PutBucketAsync(inbox.Bucket, cancellationToken);
            inbox.QueueUrl = (await inbox.Sqs.CreateQueueAsync(new CreateQueueRequest
            {
                QueueName = inbox.QueueName,
                Attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = "120" },
            }, cancellationToken)).QueueUrl;
            var queueArn = (await inbox.Sqs.GetQueueAttributesAsync(inbox.QueueUrl, ["QueueArn"], cancellationToken)).QueueARN;
            await inbox.S3.PutBucketNotificationAsync(new PutBucketNotificationRequest
            {
                BucketName = inbox.Bucket,
                QueueConfigurations =
                [
                    new QueueConfiguration
                    {
                        Queue = queueArn,
                        Events = [EventType.ObjectCreatedAll],
                        Filter = new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = [new FilterRule("prefix", Prefix)] } },
                    },
                ],
            }, cancellationToken);
            return inbox;
        }
        catch
        {
            await inbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Uploads a file, in parts of <see cref="PartSize"/> when it is larger (the emulator takes at most 11 MiB per
    /// request; S3 itself takes 5 GiB), as a site's large upload would be: the event is then
    /// ObjectCreated:CompleteMultipartUpload.
    /// </summary>
    public async Task UploadAsync(string key, string path, CancellationToken cancellationToken)
    {
        using var transfer = new TransferUtility(S3, new TransferUtilityConfig { MinSizeBeforePartUpload = PartSize, ConcurrentServiceRequests = 4 });
        await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = Bucket, Key = key, FilePath = path, PartSize = PartSize }, cancellationToken);
    }

    /// <summary>Messages on the queue, visible or in flight.</summary>
    public async Task<int> WaitingAsync(CancellationToken cancellationToken)
    {
        var attributes = await Sqs.GetQueueAttributesAsync(
            QueueUrl, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], cancellationToken);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (QueueUrl.Length > 0)
            {
                await Sqs.DeleteQueueAsync(QueueUrl);
            }

            var listed = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });
            foreach (var item in listed.S3Objects ?? [])
            {
                await S3.DeleteObjectAsync(Bucket, item.Key);
            }

            await S3.DeleteBucketAsync(Bucket);
        }
        catch (AmazonServiceException ex)
        {
            await Console.Error.WriteLineAsync($"viaduct-bench: could not remove bucket/queue {Bucket}: {ex.Message}");
        }

        S3.Dispose();
        Sqs.Dispose();
    }
}
