using System.Net;
using System.Net.Sockets;

namespace Viaduct.Run;

/// <summary>
/// Gives each process a loopback port: its preferred one when nothing listens there, else the first free port from
/// <see cref="FallbackStart"/> on. Preferred ports are settled first, so a replica's fallback never takes the
/// default of an app later in the list.
/// </summary>
internal sealed class PortAssigner(Func<int, bool> isFree)
{
    /// <summary>Where ports for replicas and displaced defaults start (above Viaduct's defaults, 5080 to 5095).</summary>
    public const int FallbackStart = 5100;

    private const int FallbackEnd = 5999;

    /// <summary>Ports for <paramref name="preferred"/> (null: any), in the same order; distinct from each other.</summary>
    public IReadOnlyList<int> Assign(IReadOnlyList<int?> preferred)
    {
        ArgumentNullException.ThrowIfNull(preferred);
        var ports = new int[preferred.Count];
        var used = new HashSet<int>();
        for (var i = 0; i < preferred.Count; i++)
        {
            if (preferred[i] is { } port && !used.Contains(port) && isFree(port))
            {
                ports[i] = port;
                used.Add(port);
            }
        }

        var next = FallbackStart;
        for (var i = 0; i < preferred.Count; i++)
        {
            if (ports[i] != 0)
            {
                continue;
            }

            while (next <= FallbackEnd && (used.Contains(next) || !isFree(next)))
            {
                next++;
            }

            if (next > FallbackEnd)
            {
                throw new InvalidOperationException($"no free port between {FallbackStart} and {FallbackEnd} on 127.0.0.1");
            }

            ports[i] = next;
            used.Add(next);
        }

        return ports;
    }

    /// <summary>Nothing listens on 127.0.0.1:<paramref name="port"/> (binding it succeeds; a wildcard listener makes it fail).</summary>
    public static bool IsFreeOnLoopback(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            // As Kestrel does: connections of a host that just stopped (TIME_WAIT) do not make its port busy.
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
