using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Control;
using Clusterd.Core;
using Clusterd.Scheduling;
using Clusterd.State;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>Slow start: a node that comes back takes a share that grows with time, instead of every new connection at once.</summary>
public sealed class SlowStartTests : IDisposable
{
    private static readonly FirewallRule ClusterRule = new() { Id = 1, Chain = FirewallChain.Input, Policy = RulePolicy.Cluster, Interface = PoolName.First };

    private readonly TestCluster _cluster = new(TestCluster.WithNodes("10.0.0.1", "10.0.0.2", "10.0.0.3") with { FirewallRules = [ClusterRule], NextRuleId = 2 });

    private static PoolConfig Pool(int nodes) => TestCluster.WithNodes([.. Enumerable.Range(1, nodes).Select(i => $"10.0.0.{i}")]).Pools[0];

    /// <summary><paramref name="count"/> new connections at <paramref name="nowMs"/>, held; how many each node got.</summary>
    private static Dictionary<int, int> Spread(PoolConfig pool, NodeLoads loads, int count, long nowMs)
    {
        loads.NowMs = nowMs;
        var policy = new LeastLoadPolicy();
        var got = new Dictionary<int, int>();
        for (int i = 0; i < count; i++)
        {
            int id = policy.Choose(pool, loads, 0)!.Id;
            loads.Increment(id);
            got[id] = got.GetValueOrDefault(id) + 1;
        }
        return got;
    }

    private static NodeLoads Busy(int perNode, int nodes)
    {
        var loads = new NodeLoads();
        for (int id = 1; id <= nodes; id++)
            for (int i = 0; i < perNode; i++) loads.Increment(id);
        return loads;
    }

    [Fact]
    public void WithoutSlowStartAnEmptyNodeTakesEverything()
    {
        var loads = Busy(50, 2); // node 3 comes back empty
        Assert.Equal(30, Spread(Pool(3), loads, 30, 0).GetValueOrDefault(3));
    }

    [Fact]
    public void AReturningNodesShareGrowsWithTime()
    {
        var early = Busy(50, 2);
        early.StartRamp(3, sinceMs: 0, overMs: 10_000);
        int atOneTwentieth = Spread(Pool(3), early, 30, 0).GetValueOrDefault(3);

        var half = Busy(50, 2);
        half.StartRamp(3, sinceMs: 0, overMs: 10_000);
        int atHalf = Spread(Pool(3), half, 30, 5_000).GetValueOrDefault(3);

        var done = Busy(50, 2);
        done.StartRamp(3, sinceMs: 0, overMs: 10_000);
        int atEnd = Spread(Pool(3), done, 30, 10_000).GetValueOrDefault(3);

        Assert.InRange(atOneTwentieth, 1, 3); // it looks as if it held 19 connections: 2 or so, not 30
        Assert.InRange(atHalf, atOneTwentieth + 1, 29);
        Assert.Equal(30, atEnd);
    }

    [Fact]
    public void ANodeSetUpInASlowStartPoolRampsAndOneInAPoolWithoutDoesNot()
    {
        _cluster.Service.Change(c => PoolCommands.SetNode(c, new ControlRequest { Op = ControlOp.Set, Pool = PoolName.First, Node = Ipv4Address.Parse("10.0.0.3"), State = NodeState.Down }));
        for (ushort port = 1; port <= 40; port++) Schedule(port);
        _cluster.Service.Change(c => PoolCommands.SetSlowStart(c, new ControlRequest { Op = ControlOp.SlowStart, Pool = PoolName.First, SlowStart = 60 }));
        _cluster.Service.Change(c => PoolCommands.SetNode(c, new ControlRequest { Op = ControlOp.Set, Pool = PoolName.First, Node = Ipv4Address.Parse("10.0.0.3"), State = NodeState.Up }));

        int toTheReturning = Enumerable.Range(100, 20).Count(port => Schedule((ushort)port) == 3);
        Assert.InRange(toTheReturning, 1, 4);
    }

    [Fact]
    public void ItIsSavedAsTheLineThatSetsIt()
    {
        _cluster.Service.Change(c => PoolCommands.SetSlowStart(c, new ControlRequest { Op = ControlOp.SlowStart, Pool = PoolName.First, SlowStart = 30 }));
        var text = new StringWriter();
        ConfigScript.Write(text, _cluster.Service.Config);
        Assert.Contains("clconfig -slowstart pool0 30\n", text.ToString());
        Assert.Equal(30, _cluster.StateFile.Load(out _).FindPool(PoolName.First)!.SlowStart);
        Assert.Throws<RefusedException>(() => _cluster.Service.Change(c => PoolCommands.SetSlowStart(c, new ControlRequest
        {
            Op = ControlOp.SlowStart, Pool = PoolName.First, SlowStart = ClusterWords.MaxSlowStart + 1,
        })));
    }

    private int Schedule(ushort port) =>
        _cluster.Service.Schedule(ClusterRule.Id, new Flow(Flow.Tcp, Ipv4Address.Parse("192.0.2.9"), port, Ipv4Address.Parse("1.2.3.4"), 80))!.Id;

    public void Dispose() => _cluster.Dispose();
}
