using TestSupport;

namespace DataPlane.Tests;

/// <summary>Persistence against real nodes: a client keeps its node across 100 connections, and a node that fails releases it to another, where it stays.</summary>
public sealed class StickyTests : IDisposable
{
    private readonly ClusterLab _cluster = new();

    private string StateOf(string address)
    {
        var listing = CommandRunner.Run(Binaries.Clconfig, ["-list"], _cluster.Daemon.ClientEnvironment).Stdout;
        return listing.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(w => w.Length > 2 && w[1] == address)[2];
    }

    [Fact]
    public void AClientKeepsItsNodeAcross100ConnectionsUntilThatNodeFails()
    {
        _cluster.SeedSetUp();
        _cluster.Clconfig("-check", "pool0", "tcp", "80");
        _cluster.Clconfig("-sticky", "pool0", "60");

        var nodes = _cluster.Client.ShortConnections(100);
        Assert.Single(nodes.Distinct());
        int first = int.Parse(nodes[0]["node".Length..]);

        _cluster.Lab.Exec($"{_cluster.Lab.Prefix}-sw", "ip", "link", "set", $"n{first}", "down");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (StateOf(Lab.NodeAddress(first)) != "failed" && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.Equal("failed", StateOf(Lab.NodeAddress(first)));

        var after = _cluster.Client.ShortConnections(20);
        Assert.Single(after.Distinct());
        Assert.NotEqual(nodes[0], after[0]);
    }

    public void Dispose() => _cluster.Dispose();
}
