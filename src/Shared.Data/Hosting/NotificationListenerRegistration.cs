using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Viaduct.Shared.Data.Hosting;

public static class NotificationListenerRegistration
{
    /// <summary>
    /// Runs a <see cref="NotificationListener"/> on <paramref name="channel"/> in the host, setting the registered
    /// <see cref="WakeSignal"/>, or the one registered under <paramref name="signalKey"/> when a host has several.
    /// </summary>
    public static IServiceCollection AddNotificationListener(this IServiceCollection services, string channel, object? signalKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        return services.AddHostedService(sp => new NotificationListener(
            sp.GetRequiredService<NpgsqlDataSource>(), channel,
            signalKey is null ? sp.GetRequiredService<WakeSignal>() : sp.GetRequiredKeyedService<WakeSignal>(signalKey),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<NotificationListener>>()));
    }
}
