using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Viaduct.Engines.E1.Extractor.Health;

/// <summary>E1 is ready when it can read its inbox: the bucket lists under the inbox prefix.</summary>
public sealed class S3InboxHealthCheck(IAmazonS3 s3, IOptions<E1Options> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        try
        {
            await s3.ListObjectsV2Async(
                new ListObjectsV2Request { BucketName = settings.Bucket, Prefix = settings.InboxPrefix, MaxKeys = 1 }, cancellationToken);
            return HealthCheckResult.Healthy($"bucket {settings.Bucket} lists");
        }
        catch (Exception ex) when (ex is AmazonS3Exception or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"bucket {settings.Bucket}: {ex.GetType().Name}", ex);
        }
    }
}

/// <summary>E1 is ready when its queue answers: the queue's attributes can be read.</summary>
public sealed class SqsQueueHealthCheck(IAmazonSQS sqs, IOptions<E1Options> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var queue = options.Value.Queue;
        try
        {
            var url = queue.Contains("://", StringComparison.Ordinal) ? queue : (await sqs.GetQueueUrlAsync(queue, cancellationToken)).QueueUrl;
            var attributes = await sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages"], cancellationToken);
            return HealthCheckResult.Healthy($"queue answers; about {attributes.ApproximateNumberOfMessages} message(s) waiting");
        }
        catch (Exception ex) when (ex is AmazonSQSException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"queue: {ex.GetType().Name}", ex);
        }
    }
}
