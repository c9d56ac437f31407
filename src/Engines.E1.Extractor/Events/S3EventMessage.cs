using System.Net;
using System.Text.Json;
using Amazon.S3.Util;
using Viaduct.Engines.E1.Extractor.Import;

namespace Viaduct.Engines.E1.Extractor.Events;

/// <summary>What an SQS message from an S3 bucket notification says.</summary>
internal static class S3EventMessage
{
    /// <summary>
    /// The created objects a message names, or null when the message is S3's configuration test event.
    /// Throws <see cref="FormatException"/> for a body that is not an S3 event at all.
    /// </summary>
    public static IReadOnlyList<S3ObjectRef>? CreatedObjects(string body)
    {
        if (IsTestEvent(body))
        {
            return null;
        }

        S3EventNotification notification;
        try
        {
            notification = S3EventNotification.ParseJson(body);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new FormatException("the message is not an S3 event notification", ex);
        }

        if (notification?.Records is not { } records)
        {
            throw new FormatException("the message is not an S3 event notification");
        }

        var objects = new List<S3ObjectRef>(records.Count);
        foreach (var record in records)
        {
            if (record.EventName?.Value is not { } name || !name.StartsWith("ObjectCreated:", StringComparison.Ordinal)
                && !name.StartsWith("s3:ObjectCreated:", StringComparison.Ordinal))
            {
                continue;
            }

            var s3 = record.S3;
            // Keys arrive URL-encoded, with '+' for a space.
            var key = WebUtility.UrlDecode(s3.Object.Key);
            objects.Add(new S3ObjectRef(s3.Bucket.Name, key, S3ObjectRef.NormalizeETag(s3.Object.ETag), s3.Object.Size, s3.Object.VersionId));
        }

        return objects;
    }

    private static bool IsTestEvent(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("Event", out var kind)
                && kind.ValueKind == JsonValueKind.String
                && kind.GetString() == "s3:TestEvent";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
