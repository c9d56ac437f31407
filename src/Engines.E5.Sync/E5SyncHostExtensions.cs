using Microsoft.Extensions.Hosting;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E5.Sync;

public static class E5SyncHostExtensions
{
    public const string EngineName = "e5-sync";

    /// <summary>Registers the engine. For now an empty host with the shared defaults; its issue fills it in.</summary>
    public static IHostApplicationBuilder AddE5Sync(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddViaductDefaults(EngineName);
        return builder;
    }
}
