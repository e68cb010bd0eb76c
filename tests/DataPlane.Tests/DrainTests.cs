using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using TestSupport;
using Xunit.Abstractions;

namespace DataPlane.Tests;

/// <summary>
/// Drain against real nodes: a drained node takes nothing new, keeps its connections until the
/// timeout, then loses them (their conntrack entries deleted); and a UDP client of a deleted or
/// failed node reaches another node within a second of clusterd knowing, not after conntrack's
/// UDP timeout.
/// </summary>
public sealed class DrainTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>What clconfig(8) promises for UDP: the next datagram after the node is deleted or failed goes elsewhere within this.</summary>
    private static readonly TimeSpan UdpPromise = TimeSpan.FromSeconds(1);

    private readonly ClusterLab _cluster = new();

    private Lab Lab => _cluster.Lab;

    [Fact]
    public void ADrainedNodeKeepsItsConnectionsUntilTheTimeoutThenTheyEnd()
    {
        _cluster.SeedSetUp();
        var held = _cluster.Client.Open(9);
        try
        {
            Assert.Equal(3, held.Count(c => c.Node == "node2"));
            var drained = Stopwatch.StartNew();
            _cluster.Clconfig("-set", "pool0", "10.0.0.2", "drain", "timeout", "3");
            Assert.Equal("drain", _cluster.NodeState("10.0.0.2"));
            Assert.Equal(3, _cluster.Connections()["10.0.0.2"]); // the listing shows what remains

            var fresh = _cluster.Client.Open(6);
            Assert.DoesNotContain(fresh, c => c.Node == "node2");
            fresh.ForEach(c => c.Dispose());
            Assert.All(held, c => c.Exchange("still here")); // before the timeout, every connection runs

            var counts = _cluster.ConnectionsOnceSettled(c => c["10.0.0.2"] == 0);
            output.WriteLine($"drain timeout 3 s: node2's connections gone after {drained.ElapsedMilliseconds} ms");
            Assert.Equal(0, counts["10.0.0.2"]);
            Assert.InRange(drained.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6));
            // A node that never held the connection answers the client's next packet with a reset.
            Assert.All(held.Where(c => c.Node == "node2"), c => Assert.Equal(SocketError.ConnectionReset, FailureOf(c)));
            Assert.All(held.Where(c => c.Node != "node2"), c => c.Exchange("untouched"));
            Assert.Equal("drain", _cluster.NodeState("10.0.0.2")); // still takes nothing new
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
    }

    /// <summary>How an exchange on <paramref name="connection"/> failed (null: it did not).</summary>
    private static SocketError? FailureOf(HeldConnection connection)
    {
        try
        {
            connection.Exchange("ended");
            return null;
        }
        catch (IOException e)
        {
            return e.InnerException is SocketException socket ? socket.SocketErrorCode : SocketError.SocketError;
        }
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("failed")]
    public void AUdpClientOfANodeThatIsGoneReachesAnotherPromptly(string how)
    {
        _cluster.SeedSetUp();
        if (how == "failed") _cluster.Clconfig("-check", "pool0", "tcp", "80");
        var sockets = Enumerable.Range(0, 3).Select(_ => UdpSocket()).ToList();
        try
        {
            var onNode2 = sockets.Single(s => Ask(s, TimeSpan.FromSeconds(5)) == "node2");
            var gone = Stopwatch.StartNew();
            if (how == "deleted")
            {
                _cluster.Clconfig("-del", "pool0", "10.0.0.2");
                gone.Restart(); // from when clusterd took the change
            }
            else
            {
                Lab.Exec($"{Lab.Prefix}-sw", "ip", "link", "set", "n2", "down");
                _cluster.AwaitNodeState("10.0.0.2", "failed");
                output.WriteLine($"link down: failed after {gone.ElapsedMilliseconds} ms");
                gone.Restart();
            }
            string? answer = null;
            while (answer is null or "node2" && gone.Elapsed < TimeSpan.FromSeconds(10))
                answer = Ask(onNode2, TimeSpan.FromMilliseconds(100));
            output.WriteLine($"node {how}: its UDP client answered by {answer} after {gone.ElapsedMilliseconds} ms");
            Assert.NotNull(answer);
            Assert.NotEqual("node2", answer);
            Assert.True(gone.Elapsed <= UdpPromise, $"after {gone.Elapsed}");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    /// <summary>A UDP socket of the lab's client, connected to the shared address: one flow for as long as it lives.</summary>
    private Socket UdpSocket() => NetworkNamespace.Run(Lab.Client, () =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(LabClient.Service);
        return socket;
    });

    /// <summary>Sends a datagram on the flow; the node that answered, or null when none did in time.</summary>
    private static string? Ask(Socket socket, TimeSpan patience)
    {
        socket.ReceiveTimeout = (int)patience.TotalMilliseconds;
        socket.Send("hello\n"u8);
        var buffer = new byte[256];
        try
        {
            int read = socket.Receive(buffer);
            return Greeting.Parse(Encoding.ASCII.GetString(buffer, 0, read)).Node;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.ConnectionRefused)
        {
            return null;
        }
    }

    public void Dispose() => _cluster.Dispose();
}
