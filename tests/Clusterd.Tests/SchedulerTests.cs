using ClusterControl;
using Clusterd.Scheduling;
using Clusterd.State;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Clusterd.Tests;

public class SchedulerTests
{
    private static PoolConfig Pool(params (NodeState State, int Cost)[] nodes) =>
        new("pool0", ForwardMethod.Route,
            [.. nodes.Select((n, i) => new NodeConfig(new Ipv4Address(0x0a000001u + (uint)i), n.State, n.Cost, i + 1))]);

    /// <summary>Opens <paramref name="count"/> connections that stay open; returns how many each node holds.</summary>
    private static int[] HoldOpen(PoolConfig pool, int count, ISchedulingPolicy? policy = null)
    {
        policy ??= new LeastLoadPolicy();
        var loads = new NodeLoads();
        for (int i = 0; i < count; i++)
            loads.Increment(policy.Choose(pool, loads, 0)!.Id);
        return [.. pool.Nodes.Select(n => loads[n.Id])];
    }

    [Property(MaxTest = 200)]
    public Property EqualCostsShareWithinOne(PositiveInt nodeCount, NonNegativeInt connections)
    {
        int nodes = 1 + nodeCount.Get % 16, count = connections.Get % 2000;
        var counts = HoldOpen(Pool([.. Enumerable.Repeat((NodeState.Up, 10), nodes)]), count);
        return (counts.Max() - counts.Min() <= 1 && counts.Sum() == count).ToProperty();
    }

    [Property(MaxTest = 50)]
    public Property DoubleCostHoldsHalf(PositiveInt hundreds)
    {
        int count = 300 * (1 + hundreds.Get % 10);
        var counts = HoldOpen(Pool((NodeState.Up, 10), (NodeState.Up, 20)), count);
        double ratio = (double)counts[0] / counts[1];
        return (Math.Abs(ratio - 2.0) < 0.01).ToProperty();
    }

    [Fact]
    public void CostsTenTenTwentySplitThreeHundredAsOneTwentyOneTwentySixty() =>
        Assert.Equal([120, 120, 60], HoldOpen(Pool((NodeState.Up, 10), (NodeState.Up, 10), (NodeState.Up, 20)), 300));

    [Fact]
    public void ShortConnectionsRotate()
    {
        var pool = Pool((NodeState.Up, 10), (NodeState.Up, 10), (NodeState.Up, 10));
        var policy = new LeastLoadPolicy();
        var loads = new NodeLoads();
        var chosen = Enumerable.Range(0, 6).Select(_ => policy.Choose(pool, loads, 0)!.Id).ToArray();
        Assert.Equal([1, 2, 3, 1, 2, 3], chosen);
    }

    [Fact]
    public void DownNodesGetNothing()
    {
        var counts = HoldOpen(Pool((NodeState.Up, 10), (NodeState.Down, 10), (NodeState.Up, 10)), 10);
        Assert.Equal([5, 0, 5], counts);
    }

    [Fact]
    public void NoUpNodeMeansNoChoice()
    {
        Assert.Null(new LeastLoadPolicy().Choose(Pool((NodeState.Down, 10)), new NodeLoads(), 0));
        Assert.Null(new LeastLoadPolicy().Choose(Pool(), new NodeLoads(), 0));
    }

    [Fact]
    public void StaticNodeTakesEveryConnection()
    {
        var pool = Pool((NodeState.Up, 10), (NodeState.Up, 10), (NodeState.Up, 10));
        var counts = HoldOpen(pool, 9, new StaticNodePolicy(pool.Nodes[1].Address, new LeastLoadPolicy()));
        Assert.Equal([0, 9, 0], counts);
    }

    [Fact]
    public void StaticNodeThatIsDownFallsBackToLeastLoad()
    {
        var pool = Pool((NodeState.Up, 10), (NodeState.Down, 10));
        var counts = HoldOpen(pool, 4, new StaticNodePolicy(pool.Nodes[1].Address, new LeastLoadPolicy()));
        Assert.Equal([4, 0], counts);
    }

    [Fact]
    public void LoadFallsWhenConnectionsEnd()
    {
        var loads = new NodeLoads();
        loads.Increment(1);
        loads.Decrement(1);
        loads.Decrement(1);
        Assert.Equal(0, loads[1]);
        Assert.Empty(loads.BusyNodes);
    }
}
