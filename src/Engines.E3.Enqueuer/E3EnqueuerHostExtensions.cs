using Microsoft.Extensions.Hosting;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E3.Enqueuer;

public static class E3EnqueuerHostExtensions
{
    public const string EngineName = "e3-enqueuer";

    /// <summary>Registers the engine. For now an empty host with the shared defaults; its issue fills it in.</summary>
    public static IHostApplicationBuilder AddE3Enqueuer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddViaductDefaults(EngineName);
        return builder;
    }
}
