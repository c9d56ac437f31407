namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>One S3 object as an event or a listing names it. The ETag is kept without its quotes.</summary>
public sealed record S3ObjectRef(string Bucket, string Key, string ETag, long? Size = null, string? VersionId = null)
{
    public static string NormalizeETag(string? etag) => (etag ?? "").Trim().Trim('"');
}
