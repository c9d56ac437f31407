namespace Viaduct.Engines.E1.Extractor.Aws;

/// <summary>
/// Where S3 and SQS are (section <c>Aws</c>). Leave <see cref="ServiceUrl"/> empty for AWS itself; set it
/// for an S3/SQS-compatible server. Credentials come from the SDK's usual chain (AWS_ACCESS_KEY_ID, roles, ...).
/// </summary>
public sealed class AwsOptions
{
    public const string Section = "Aws";

    public string? ServiceUrl { get; set; }
    public string Region { get; set; } = "us-east-1";

    /// <summary>Path-style S3 addressing; compatible servers need it, so it defaults on when a ServiceUrl is set.</summary>
    public bool? ForcePathStyle { get; set; }
}
