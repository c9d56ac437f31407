using Microsoft.Extensions.Hosting;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E2.Transformer;

public static class E2TransformerHostExtensions
{
    public const string EngineName = "e2-transformer";

    /// <summary>Registers the engine. For now an empty host with the shared defaults; its issue fills it in.</summary>
    public static IHostApplicationBuilder AddE2Transformer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddViaductDefaults(EngineName);
        return builder;
    }
}
