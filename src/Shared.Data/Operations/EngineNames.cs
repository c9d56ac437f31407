namespace Viaduct.Shared.Data.Operations;

/// <summary>The engines' names as they appear in logs, metrics, <c>engine_hosts</c> and the operator's views.</summary>
public static class EngineNames
{
    public const string Extractor = "e1-extractor";
    public const string Transformer = "e2-transformer";
    public const string Enqueuer = "e3-enqueuer";
    public const string Loader = "e4-loader";
    public const string Sync = "e5-sync";

    /// <summary>In pipeline order.</summary>
    public static readonly IReadOnlyList<string> All = [Extractor, Transformer, Enqueuer, Loader, Sync];
}
