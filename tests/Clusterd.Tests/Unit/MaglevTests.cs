using ClusterControl;
using Clusterd.Scheduling;
using Clusterd.State;

namespace Clusterd.Tests.Unit;

/// <summary>The Maglev scheduler: agreement between front-ends that share nothing, and minimal disruption.</summary>
public sealed class MaglevTests
{
    private const int Flows = 10_000;

    private static NodeConfig Node(int i, int id) => new(new Ipv4Address(0x0a000000u + (uint)i), NodeState.Up, 10, id);

    private static PoolConfig Pool(IEnumerable<NodeConfig> nodes) =>
        new("pool1", ForwardMethod.Route, [.. nodes]) { Scheduler = PoolScheduler.Maglev };

    /// <summary>Flow hashes of 10,000 distinct client connections to one service.</summary>
    private static ulong[] FlowHashes() =>
        [.. Enumerable.Range(0, Flows).Select(i => FlowHash.Of(6, new Ipv4Address(0xc0000200u + (uint)(i % 200)), (ushort)(32768 + i), Ipv4Address.Parse("1.2.3.4"), 80))];

    private static Ipv4Address[] Map(MaglevPolicy policy, PoolConfig pool, ulong[] hashes) =>
        [.. hashes.Select(h => policy.Choose(pool, new NodeLoads(), h)!.Address)];

    [Fact]
    public void TwoFrontEndsThatShareNothingMapEveryFlowAlike()
    {
        // The same nodes added in another order get other ids: only the addresses may matter.
        var first = Pool(Enumerable.Range(1, 7).Select(i => Node(i, i)));
        var second = Pool(Enumerable.Range(1, 7).Reverse().Select(i => Node(i, 100 + i)));
        var hashes = FlowHashes();

        Assert.Equal(Map(new MaglevPolicy(), first, hashes), Map(new MaglevPolicy(), second, hashes));
    }

    [Fact]
    public void TheFlowHashIsFixedAcrossProcessesAndMachines() =>
        // A constant (worked out apart from this code), not a recomputation: a changed hash would split front-ends of different versions.
        Assert.Equal(0xe81bc4ca001bcb7bul, FlowHash.Of(6, Ipv4Address.Parse("192.0.2.2"), 40000, Ipv4Address.Parse("1.2.3.4"), 80));

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(20)]
    public void RemovingANodeMovesOnlyItsFlowsAndAtMostOnePercentOthers(int count)
    {
        var nodes = Enumerable.Range(1, count).Select(i => Node(i, i)).ToList();
        var hashes = FlowHashes();
        var before = Map(new MaglevPolicy(), Pool(nodes), hashes);
        var removed = nodes[count / 2];
        var after = Map(new MaglevPolicy(), Pool(nodes.Where(n => n != removed)), hashes);

        int othersMoved = 0;
        for (int i = 0; i < Flows; i++)
        {
            Assert.NotEqual(removed.Address, after[i]);
            if (before[i] != removed.Address && before[i] != after[i]) othersMoved++;
        }
        Assert.True(othersMoved <= Flows / 100, $"{othersMoved} flows of other nodes moved");
    }

    [Fact]
    public void NodesShareTheSlotsAlmostEvenly()
    {
        var table = MaglevTable.Build(Enumerable.Range(1, 7).Select(i => Node(i, i)));
        var shares = Enumerable.Range(0, MaglevTable.Size).GroupBy(slot => table.Lookup((ulong)slot)!.Id).Select(g => g.Count()).ToList();

        Assert.Equal(7, shares.Count);
        Assert.True(shares.Max() - shares.Min() <= 1, string.Join(",", shares));
    }

    [Fact]
    public void NodesThatTakeNoNewConnectionsAreLeftOut()
    {
        var pool = Pool([Node(1, 1), Node(2, 2) with { State = NodeState.Down }, Node(3, 3)]);

        Assert.DoesNotContain(Map(new MaglevPolicy(), pool, FlowHashes()), a => a == Node(2, 2).Address);
        Assert.Null(new MaglevPolicy().Choose(Pool([Node(1, 1) with { State = NodeState.Down }]), new NodeLoads(), 1));
    }

    [Fact]
    public void ATableIsBuiltOncePerConfigurationNotPerPacket()
    {
        var policy = new MaglevPolicy();
        var loads = new NodeLoads();
        var pool = Pool([Node(1, 1), Node(2, 2)]);
        var config = ClusterConfig.Initial.WithPool(pool);
        policy.Rebuild(config, loads);
        var built = policy.TableOf(pool, loads);

        policy.Choose(pool, loads, 42);
        Assert.Same(built, policy.TableOf(pool, loads));

        var changed = pool.WithNode(Node(3, 3));
        Assert.NotSame(built, policy.TableOf(changed, loads));
    }

    [Fact]
    public void AFailedNodeLeavesTheTableAndOnlyItsFlowsMove()
    {
        var policy = new MaglevPolicy();
        var loads = new NodeLoads();
        var pool = Pool([Node(1, 1), Node(2, 2), Node(3, 3)]);
        var before = Enumerable.Range(0, 3000).Select(h => policy.Choose(pool, loads, (ulong)h * 0x9E3779B97F4A7C15UL)!.Id).ToArray();

        loads.SetFailed(2, true);
        var after = Enumerable.Range(0, 3000).Select(h => policy.Choose(pool, loads, (ulong)h * 0x9E3779B97F4A7C15UL)!.Id).ToArray();

        Assert.DoesNotContain(2, after);
        Assert.All(Enumerable.Range(0, 3000).Where(i => before[i] != 2), i => Assert.Equal(before[i], after[i]));
    }
}
