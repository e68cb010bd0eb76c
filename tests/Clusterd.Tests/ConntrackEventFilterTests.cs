using System.Net.Sockets;
using Clusterd.Kernel.Conntrack;
using TestSupport;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;

namespace Clusterd.Tests;

/// <summary>
/// The conntrack event socket's kernel-side filter, against real connections over loopback in a
/// throwaway network namespace: a connection with a node mark brings its handshake's events and its
/// first closing state, never the closing states after it; connections with another mark or none
/// bring nothing; and a destroy passes.
/// </summary>
public sealed class ConntrackEventFilterTests : IDisposable
{
    private const int Clustered = 7001, OtherMark = 7002, Unmarked = 7003;

    private readonly ThrowawayNamespace _namespace = new("ef");

    public ConntrackEventFilterTests() => _namespace.Prepare(() =>
    {
        _namespace.Exec("ip", "link", "set", "lo", "up");
        // The output hook runs before conntrack confirms the entry, so the first packet's mark is in every event.
        _namespace.Exec("nft",
            $"table ip marks {{ chain out {{ type filter hook output priority 0; tcp dport {Clustered} ct mark set 0x40000001; tcp dport {OtherMark} ct mark set 0x80000001; }}; }}");
    });

    public void Dispose() => _namespace.Dispose();

    [Fact]
    public void OnlyTheEventsTheConnectionViewUsesArrive()
    {
        var seen = NetworkNamespace.Run(_namespace.Name, () =>
        {
            using var events = new ConntrackEvents();
            foreach (int port in new[] { Clustered, OtherMark, Unmarked }) ConnectAndClose(port);
            return Drain(events);
        });

        Assert.All(seen, e => Assert.Equal(Clustered, e.Entry.Flow.DestinationPort));
        Assert.Equal([TCP_CONNTRACK_SYN_SENT, TCP_CONNTRACK_SYN_RECV, TCP_CONNTRACK_ESTABLISHED, TCP_CONNTRACK_FIN_WAIT],
            seen.Where(e => e.Change == ConntrackChange.NewOrUpdated).Select(e => e.Entry.TcpState));
    }

    [Fact]
    public void ADestroyedConnectionsEventArrives()
    {
        var seen = NetworkNamespace.Run(_namespace.Name, () =>
        {
            using var events = new ConntrackEvents();
            using var held = LoopbackTcp.Listen(Clustered);
            using var client = LoopbackTcp.Connect(Clustered);
            Drain(events);
            _namespace.Exec("conntrack", "-D", "-p", "tcp", "--dport", $"{Clustered}");
            return Drain(events);
        });

        Assert.Contains(seen, e => e.Change == ConntrackChange.Destroyed && e.Entry.Flow.DestinationPort == Clustered);
    }

    /// <summary>An orderly close, the client first: FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT.</summary>
    private static void ConnectAndClose(int port)
    {
        using var listener = LoopbackTcp.Listen(port);
        using var client = LoopbackTcp.Connect(port);
        using var server = listener.Accept();
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, server.Receive(new byte[1]));
        server.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, client.Receive(new byte[1]));
    }

    /// <summary>The events until none has come for a while (the kernel sends each as its packet passes).</summary>
    private static List<(ConntrackChange Change, ConntrackEntry Entry)> Drain(ConntrackEvents events)
    {
        var seen = new List<(ConntrackChange, ConntrackEntry)>();
        while (events.ProcessBatch((change, entry) => seen.Add((change, entry)), timeoutMs: 300) > 0) { }
        return seen;
    }
}
