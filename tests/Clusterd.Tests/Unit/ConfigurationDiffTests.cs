using ClusterControl;
using Clusterd.Core;
using Clusterd.State;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>The log's words for a configuration change: one line per thing that changed.</summary>
public sealed class ConfigurationDiffTests
{
    private static readonly ClusterConfig Two = TestCluster.WithNodes("10.0.0.1", "10.0.0.2");

    private static ClusterConfig WithNode(ClusterConfig config, NodeConfig node) =>
        config.WithPool(config.FindPool(PoolName.First)!.WithNode(node));

    [Fact]
    public void NodesAddedChangedAndDeletedEachGetALine()
    {
        var first = Two.FindPool(PoolName.First)!.Nodes[0];
        var after = WithNode(Two, first with { State = NodeState.Down, Cost = 5 });
        after = after.WithPool(after.FindPool(PoolName.First)! with { Nodes = after.FindPool(PoolName.First)!.Nodes.RemoveAt(1) });
        after = WithNode(after, new NodeConfig(Ipv4Address.Parse("10.0.0.9"), NodeState.Up, 10, 3));

        Assert.Equal([
            "pool pool0 node 10.0.0.1 up -> down",
            "pool pool0 node 10.0.0.1 cost 1 -> 5",
            "pool pool0 node 10.0.0.9 added (up, cost 10)",
            "pool pool0 node 10.0.0.2 deleted",
        ], ConfigurationDiff.Describe(Two, after));
    }

    [Fact]
    public void PoolsAndTheDebugLevelAreNamed()
    {
        var after = Two.WithPool(new PoolConfig("pool1", ForwardMethod.Masq, [])) with { DebugLevel = 2 };
        Assert.Equal(["pool pool1 created (masq)", "debug level 0 -> 2"], ConfigurationDiff.Describe(Two, after));
        Assert.Equal(["pool pool1 destroyed", "debug level 2 -> 0"], ConfigurationDiff.Describe(after, Two));
    }

    [Fact]
    public void PersistenceSlowStartAndADrainTimeoutEachHaveALine()
    {
        var pool = Two.FindPool(PoolName.First)!;
        var node = pool.Nodes[0];
        var after = Two.WithPool(pool.WithNode(node with { State = NodeState.Drain, DrainTimeout = 30 }) with
        {
            Sticky = new Persistence(60, Ipv4Address.Parse("255.255.255.0")), SlowStart = 20,
        });
        Assert.Equal([
            "pool pool0 sticky none -> 60 s mask 255.255.255.0",
            "pool pool0 slow start none -> 20 s",
            "pool pool0 node 10.0.0.1 up -> drain",
            "pool pool0 node 10.0.0.1 drain timeout none -> 30 s",
        ], ConfigurationDiff.Describe(Two, after));
    }

    [Fact]
    public void NoChangeNoLine() => Assert.Empty(ConfigurationDiff.Describe(Two, Two with { }));
}
