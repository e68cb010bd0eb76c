using TestSupport;

namespace DataPlane.Tests;

/// <summary>Persistence against real nodes: a client keeps its node across 100 connections, and a node that fails releases it to another, where it stays.</summary>
public sealed class StickyTests : IDisposable
{
    private readonly ClusterLab _cluster = new();

    [Fact]
    public void AClientKeepsItsNodeAcross100ConnectionsUntilThatNodeFails()
    {
        _cluster.SeedSetUpWith(["-check", "tcp", "80"], ["-sticky", "60"]);

        var nodes = _cluster.Client.ShortConnections(100);
        Assert.Single(nodes.Distinct());
        int first = int.Parse(nodes[0]["node".Length..]);

        _cluster.Lab.Exec($"{_cluster.Lab.Prefix}-sw", "ip", "link", "set", $"n{first}", "down");
        _cluster.AwaitNodeState(Lab.NodeAddress(first), "failed");

        var after = _cluster.Client.ShortConnections(20);
        Assert.Single(after.Distinct());
        Assert.NotEqual(nodes[0], after[0]);
    }

    public void Dispose() => _cluster.Dispose();
}
