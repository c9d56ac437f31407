using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E1.Extractor.Replay;
using Viaduct.Shared.Data;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E1.Extractor;

public static class FileReplayRegistration
{
    /// <summary>The replay worker and its LISTEN connection on <see cref="Notifications.FilesReplay"/>, unless <c>E1:ReplayEnabled</c> is false.</summary>
    public static IHostApplicationBuilder AddFileReplay(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Configuration.GetSection(E1Options.Section).Get<E1Options>() ?? new E1Options();
        if (!settings.ReplayEnabled)
        {
            return builder;
        }

        // A signal of its own: the notification wakes the replay worker, not any other loop of the host.
        builder.Services.AddKeyedSingleton<WakeSignal>(Notifications.FilesReplay);
        builder.Services.AddSingleton<ReplayWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplayWorker>());
        builder.Services.AddNotificationListener(Notifications.FilesReplay, signalKey: Notifications.FilesReplay);
        return builder;
    }
}
