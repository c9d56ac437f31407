namespace Viaduct.Run.Tests;

public class PortAssignerTests
{
    [Fact]
    public void Free_preferred_ports_are_kept_and_ports_without_preference_come_from_the_fallback_range()
    {
        var ports = new PortAssigner(_ => true).Assign([5080, 5092, null, null]);
        Assert.Equal([5080, 5092, PortAssigner.FallbackStart, PortAssigner.FallbackStart + 1], ports);
    }

    [Fact]
    public void A_taken_preferred_port_moves_to_the_first_free_fallback_port()
    {
        var taken = new HashSet<int> { 5092, PortAssigner.FallbackStart };
        var ports = new PortAssigner(port => !taken.Contains(port)).Assign([5091, 5092, 5093]);
        Assert.Equal([5091, PortAssigner.FallbackStart + 1, 5093], ports);
    }

    [Fact]
    public void A_fallback_never_takes_a_port_another_process_prefers()
    {
        var ports = new PortAssigner(port => port != 5092).Assign([5092, PortAssigner.FallbackStart]);
        Assert.Equal([PortAssigner.FallbackStart + 1, PortAssigner.FallbackStart], ports);
    }

    [Fact]
    public void Two_processes_preferring_one_port_get_different_ports()
    {
        var ports = new PortAssigner(_ => true).Assign([5091, 5091]);
        Assert.Equal([5091, PortAssigner.FallbackStart], ports);
    }

    [Fact]
    public void No_free_port_at_all_is_an_error() =>
        Assert.Throws<InvalidOperationException>(() => new PortAssigner(_ => false).Assign([5091]));

    [Fact]
    public void A_port_someone_listens_on_is_not_free()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        Assert.False(PortAssigner.IsFreeOnLoopback(port));
        listener.Stop();
        Assert.True(PortAssigner.IsFreeOnLoopback(port));
    }
}
