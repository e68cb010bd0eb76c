using System.Net;
using System.Net.Sockets;
using ClusterControl;
using Clusterd.Core;
using Clusterd.Kernel;
using TestSupport;

namespace Clusterd.Tests;

/// <summary>
/// Conntrack entries looked up and deleted by their flows (<see cref="KernelConntrack.LookUpClustered"/>,
/// <see cref="KernelConntrack.Delete"/>), against real connections over loopback in a throwaway network
/// namespace: more flows than one datagram of requests carries, most of them held by nothing.
/// </summary>
public sealed class ConntrackByTupleTests : IDisposable
{
    private const int Clustered = 7101, Unmarked = 7102, Node = 5;

    private readonly ThrowawayNamespace _namespace = new("ctl");

    public ConntrackByTupleTests() => _namespace.Prepare(() =>
    {
        _namespace.Exec("ip", "link", "set", "lo", "up");
        _namespace.Exec("nft",
            $"table ip marks {{ chain out {{ type filter hook output priority 0; tcp dport {Clustered} ct mark set {Marks.ForNode(Node)}; }}; }}");
    });

    public void Dispose() => _namespace.Dispose();

    [Fact]
    public void TheClusteredEntriesOfTheFlowsAskedForAreFoundAndNoOthers()
    {
        var (held, found) = NetworkNamespace.Run(_namespace.Name, () =>
        {
            using var clustered = LoopbackTcp.Listen(Clustered);
            using var unmarked = LoopbackTcp.Listen(Unmarked);
            var clients = new[] { LoopbackTcp.Connect(Clustered), LoopbackTcp.Connect(Clustered), LoopbackTcp.Connect(Clustered), LoopbackTcp.Connect(Unmarked) };
            try
            {
                var flows = clients.Select(FlowOf).ToList();
                var asked = new List<Flow>(flows);
                for (ushort port = 1; asked.Count < 300; port++) asked.Add(flows[0] with { SourcePort = port }); // none holds these
                var seen = new List<TrackedConnection>();
                new KernelConntrack().LookUpClustered(asked, seen.Add);
                return (flows[..3].ToArray(), seen);
            }
            finally
            {
                foreach (var client in clients) client.Dispose();
            }
        });

        Assert.Equal(held.Length, found.Count);
        Assert.Equal(held.ToHashSet(), found.Select(c => c.Flow).ToHashSet());
        Assert.All(found, c =>
        {
            Assert.Equal(Node, c.NodeId);
            Assert.False(c.IsClosing);
            Assert.InRange(c.TimeoutSeconds, 1u, 432_000u);
        });
    }

    [Fact]
    public void TheEntriesOfTheFlowsNamedAreDeletedAndTheAbsentOnesPassedOver()
    {
        var (deleted, left) = NetworkNamespace.Run(_namespace.Name, () =>
        {
            using var clustered = LoopbackTcp.Listen(Clustered);
            var clients = new[] { LoopbackTcp.Connect(Clustered), LoopbackTcp.Connect(Clustered), LoopbackTcp.Connect(Clustered) };
            try
            {
                var flows = clients.Select(FlowOf).ToList();
                var named = new List<Flow>(flows);
                for (ushort port = 1; named.Count < 300; port++) named.Add(flows[0] with { SourcePort = port }); // none holds these
                var conntrack = new KernelConntrack();
                int deleted = conntrack.Delete(named);
                var left = new List<TrackedConnection>();
                conntrack.LookUpClustered(flows, left.Add); // the connections are idle: nothing makes their entries again
                return (deleted, left.Count);
            }
            finally
            {
                foreach (var client in clients) client.Dispose();
            }
        });

        Assert.Equal(3, deleted);
        Assert.Equal(0, left);
    }

    private static Flow FlowOf(Socket client)
    {
        var local = (IPEndPoint)client.LocalEndPoint!;
        var remote = (IPEndPoint)client.RemoteEndPoint!;
        var loopback = Ipv4Address.Parse("127.0.0.1");
        return new Flow(Flow.Tcp, loopback, (ushort)local.Port, loopback, (ushort)remote.Port);
    }
}
