using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using Xunit;

namespace Viaduct.Testing;

/// <summary>
/// A bucket of its own, wired to a queue of its own (with a dead-letter queue), on the S3/SQS-compatible
/// server named by <c>VIADUCT_TEST_AWS_SERVICE_URL</c>. Objects put under the inbox prefix produce
/// ObjectCreated events on the queue, as a real bucket notification does.
/// </summary>
public class S3Inbox : IAsyncLifetime
{
    public const string Variable = "VIADUCT_TEST_AWS_SERVICE_URL";
    public const string Region = "us-east-1";
    public const string Prefix = "inbox/";

    private readonly string _id = Guid.NewGuid().ToString("N")[..10];

    public string ServiceUrl { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url
        ? url
        : throw new InvalidOperationException($"{Variable} is not set: run the tests through scripts/test.sh, which starts the S3/SQS emulator.");

    public string Bucket => $"viaduct-test-{_id}";
    public string QueueName => $"viaduct-test-{_id}";
    public string DeadLetterQueueName => $"viaduct-test-{_id}-dlq";
    public string QueueUrl { get; private set; } = "";
    public string DeadLetterQueueUrl { get; private set; } = "";

    /// <summary>The queue's maxReceiveCount before a message moves to the dead-letter queue.</summary>
    public int MaxReceiveCount { get; init; } = 3;

    public IAmazonS3 S3 { get; private set; } = null!;
    public IAmazonSQS Sqs { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var credentials = new BasicAWSCredentials("test", "test");
        S3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = ServiceUrl, ForcePathStyle = true, AuthenticationRegion = Region });
        Sqs = new AmazonSQSClient(credentials, new AmazonSQSConfig { ServiceURL = ServiceUrl, AuthenticationRegion = Region });

        await S3.PutBucketAsync(Bucket);
        DeadLetterQueueUrl = (await Sqs.CreateQueueAsync(DeadLetterQueueName)).QueueUrl;
        var dlqArn = (await Sqs.GetQueueAttributesAsync(DeadLetterQueueUrl, ["QueueArn"])).QueueARN;
        QueueUrl = (await Sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = QueueName,
            Attributes = new Dictionary<string, string>
            {
                ["VisibilityTimeout"] = "30",
                ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{dlqArn}}","maxReceiveCount":"{{MaxReceiveCount}}"}""",
            },
        })).QueueUrl;
        var queueArn = (await Sqs.GetQueueAttributesAsync(QueueUrl, ["QueueArn"])).QueueARN;
        await S3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = Bucket,
            QueueConfigurations =
            [
                new QueueConfiguration
                {
                    Queue = queueArn,
                    Events = [EventType.ObjectCreatedAll],
                    Filter = new Filter
                    {
                        S3KeyFilter = new S3KeyFilter { FilterRules = [new FilterRule("prefix", Prefix)] },
                    },
                },
            ],
        });
    }

    public Task PutAsync(string key, string content) =>
        S3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = content });

    /// <summary>Uploads a file, in 5 MiB parts when it is larger (as S3 clients do for big objects).</summary>
    public async Task PutFileAsync(string key, string path)
    {
        using var transfer = new Amazon.S3.Transfer.TransferUtility(S3, new Amazon.S3.Transfer.TransferUtilityConfig { MinSizeBeforePartUpload = 5 * 1024 * 1024 });
        await transfer.UploadAsync(new Amazon.S3.Transfer.TransferUtilityUploadRequest
        {
            BucketName = Bucket, Key = key, FilePath = path, PartSize = 5 * 1024 * 1024,
        });
    }

    /// <summary>Messages waiting on a queue (approximate, as SQS says).</summary>
    public async Task<int> WaitingAsync(string queueUrl)
    {
        var attributes = await Sqs.GetQueueAttributesAsync(queueUrl, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Sqs.DeleteQueueAsync(QueueUrl);
            await Sqs.DeleteQueueAsync(DeadLetterQueueUrl);
        }
        catch (AmazonServiceException)
        {
            // The emulator is thrown away after the run; a leftover queue harms nothing.
        }

        S3.Dispose();
        Sqs.Dispose();
    }
}
