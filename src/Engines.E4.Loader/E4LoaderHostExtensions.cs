using Microsoft.Extensions.Hosting;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E4.Loader;

public static class E4LoaderHostExtensions
{
    public const string EngineName = "e4-loader";

    /// <summary>Registers the engine. For now an empty host with the shared defaults; its issue fills it in.</summary>
    public static IHostApplicationBuilder AddE4Loader(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddViaductDefaults(EngineName);
        return builder;
    }
}
