using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Control;
using Clusterd.Core;
using Clusterd.State;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>
/// Drain over the fakes: a drained node takes nothing new, its timeout ends what it still carries,
/// and the UDP flows of a node drained without a timeout, failed or deleted are ended at once.
/// </summary>
public sealed class DrainTests : IDisposable
{
    private static readonly Ipv4Address First = Ipv4Address.Parse("10.0.0.1");

    private static readonly FirewallRule ClusterRule = new() { Id = 1, Chain = FirewallChain.Input, Policy = RulePolicy.Cluster, Interface = PoolName.First };

    private readonly TestCluster _cluster = new(TestCluster.WithNodes("10.0.0.1", "10.0.0.2") with { FirewallRules = [ClusterRule], NextRuleId = 2 });

    private static Flow Tcp(ushort port) => new(Flow.Tcp, Ipv4Address.Parse("192.0.2.9"), port, Ipv4Address.Parse("1.2.3.4"), 80);

    private static Flow Udp(ushort port) => new(Flow.Udp, Ipv4Address.Parse("192.0.2.9"), port, Ipv4Address.Parse("1.2.3.4"), 53);

    private void Set(NodeState state, int? timeout = null) =>
        _cluster.Service.Change(c => PoolCommands.SetNode(c, new ControlRequest
        {
            Op = ControlOp.Set, Pool = PoolName.First, Node = First, State = state, DrainTimeout = timeout,
        }));

    /// <summary>Node 1 carries a TCP connection and a UDP flow, node 2 one of each too.</summary>
    private void Carry()
    {
        foreach (var (flow, node) in new[] { (Tcp(1), 1), (Udp(1), 1), (Tcp(2), 2), (Udp(2), 2) })
            _cluster.Conntrack.Connections.Add(new TrackedConnection(flow, node, IsClosing: false, 100));
    }

    private int Ended(long nowMs) => NodeEnding.Apply(_cluster.Conntrack, _cluster.Service.TakeEndings(nowMs)).Count;

    private List<Flow> Left() => [.. _cluster.Conntrack.Connections.Select(c => c.Flow)];

    [Fact]
    public void ADrainedNodeTakesNothingNew()
    {
        Set(NodeState.Drain);

        var node = _cluster.Service.Config.AllNodes.Single(n => n.Address == First);
        Assert.False(_cluster.Service.TakesNewConnections(node));
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(2, _cluster.Service.Schedule(ClusterRule.Id, Tcp((ushort)(100 + i)))?.Id));
    }

    [Fact]
    public void WithoutATimeoutOnlyItsUdpFlowsEndAtOnce()
    {
        Carry();
        Set(NodeState.Drain);

        Assert.Equal(1, Ended(Environment.TickCount64));
        Assert.Equal([Tcp(1), Tcp(2), Udp(2)], Left());
        Assert.Equal(0, Ended(Environment.TickCount64 + 1_000_000_000)); // no timeout: TCP runs until it ends
    }

    [Fact]
    public void ATimeoutEndsEverythingItStillCarriesOnceItPasses()
    {
        Carry();
        long start = Environment.TickCount64;
        Set(NodeState.Drain, timeout: 30);

        Assert.Equal(0, Ended(start));
        Assert.Equal(4, Left().Count);
        Assert.Equal(2, Ended(start + 31_000));
        Assert.Equal([Tcp(2), Udp(2)], Left());
        Assert.Empty(_cluster.Service.TakeEndings(start + 62_000)); // once
    }

    [Fact]
    public void UpBeforeTheTimeoutCancelsIt()
    {
        Carry();
        long start = Environment.TickCount64;
        Set(NodeState.Drain, timeout: 5);
        Set(NodeState.Up);

        Assert.Equal(0, Ended(start + 10_000));
        Assert.Equal(4, Left().Count);
    }

    [Fact]
    public void ADeletedNodesUdpFlowsEnd()
    {
        Carry();
        _cluster.Service.Change(c => PoolCommands.DeleteNode(c, new ControlRequest { Op = ControlOp.Del, Pool = PoolName.First, Node = First }, (_, _) => false));

        Assert.Equal(1, Ended(Environment.TickCount64));
        Assert.Equal([Tcp(1), Tcp(2), Udp(2)], Left());
    }

    [Fact]
    public void AFailedNodesUdpFlowsEnd()
    {
        Carry();
        _cluster.Service.Change(c => PoolCommands.SetCheck(c, new ControlRequest
        {
            Op = ControlOp.Check, Pool = PoolName.First, Check = new HealthCheck { Kind = CheckKind.Tcp, Port = 80 },
        }));
        for (int i = 0; i < HealthCheck.DefaultFall; i++) _cluster.Service.CheckResult(1, passed: false, "connection refused");

        Assert.Equal(1, Ended(Environment.TickCount64));
        Assert.Equal([Tcp(1), Tcp(2), Udp(2)], Left());
    }

    [Fact]
    public void ATimeoutComesOnlyWithDrain()
    {
        var refused = Assert.Throws<RefusedException>(() => Set(NodeState.Down, timeout: 5));
        Assert.Equal(ControlError.BadRequest, refused.Error);
        Assert.Throws<RefusedException>(() => Set(NodeState.Drain, timeout: ClusterWords.MaxDrainTimeout + 1));
    }

    [Fact]
    public void ADrainAndItsTimeoutAreSavedAndReloaded()
    {
        Set(NodeState.Drain, timeout: 30);

        var text = new StringWriter();
        ConfigScript.Write(text, _cluster.Service.Config);
        Assert.Contains("clconfig -add pool0 10.0.0.1 drain timeout 30 cost 1\n", text.ToString());
        var loaded = _cluster.StateFile.Load(out _).AllNodes.Single(n => n.Address == First);
        Assert.Equal((NodeState.Drain, 30), (loaded.State, loaded.DrainTimeout));
    }

    public void Dispose() => _cluster.Dispose();
}
