using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Core;
using Clusterd.State;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>The service over fake kernel reads and writes: changes are all or nothing, scheduling counts, deleted nodes keep their path while needed.</summary>
public sealed class ClusterServiceTests : IDisposable
{
    private static readonly Ipv4Address First = Ipv4Address.Parse("10.0.0.1"), Second = Ipv4Address.Parse("10.0.0.2");
    private static readonly FirewallRule ClusterRule = new() { Id = 1, Chain = FirewallChain.Input, Policy = RulePolicy.Cluster, Interface = PoolName.First };

    private readonly TestCluster _cluster = new(TestCluster.WithNodes("10.0.0.1", "10.0.0.2") with { FirewallRules = [ClusterRule], NextRuleId = 2 });

    private ClusterService Service => _cluster.Service;

    private static Flow Connection(ushort port) => new(Flow.Tcp, Ipv4Address.Parse("192.0.2.9"), port, Ipv4Address.Parse("1.2.3.4"), 80);

    private List<HeldConnection> HeldConnections()
    {
        var held = new List<HeldConnection>();
        long last = Service.LastConnection;
        for (long after = 0; after < last;) after = Service.ConnectionsPage(after, last, held, room: 100);
        return held;
    }

    private static ClusterConfig WithDebug(ClusterConfig config) => config with { DebugLevel = 3 };

    private static ClusterConfig WithoutNode(ClusterConfig config, NodeConfig node)
    {
        var pool = config.FindPool(PoolName.First)!;
        return config.WithPool(pool with { Nodes = pool.Nodes.Remove(node) });
    }

    [Fact]
    public void AChangeIsProgrammedThenSavedThenCurrent()
    {
        Service.Change(WithDebug);

        Assert.Equal(3, Service.Config.DebugLevel);
        Assert.Equal(3, _cluster.Kernel.Current.Config.DebugLevel);
        Assert.Equal(3, _cluster.StateFile.Load(out _).DebugLevel);
    }

    [Fact]
    public void AKernelRefusalLeavesTheConfigurationAsItWas()
    {
        var before = Service.Config;
        _cluster.Kernel.Refuse = config => config.DebugLevel == 3;

        var refused = Assert.Throws<KernelRefusedException>(() => Service.Change(WithDebug));

        Assert.Equal(ControlError.KernelRefused, refused.Error);
        Assert.Same(before, Service.Config);
        Assert.False(File.Exists(_cluster.StateFile.Path));
    }

    [Fact]
    public void AKernelRefusalPartWayPutsTheKernelBack()
    {
        var before = Service.Config;
        _cluster.Kernel.Refuse = config => config.DebugLevel == 3;
        _cluster.Kernel.RefusePartWay = true;

        var refused = Assert.Throws<KernelRefusedException>(() => Service.Change(WithDebug));

        Assert.Equal(ControlError.KernelRefused, refused.Error);
        Assert.Same(before, Service.Config);
        Assert.Same(before, _cluster.Kernel.Current.Config);
    }

    [Fact]
    public void WhenTheKernelRefusesEvenThePutBackTheChangeIsStillJustRefused()
    {
        var before = Service.Config;
        _cluster.BreakTheDisk();
        _cluster.Kernel.Refuse = _ => true;

        var refused = Assert.Throws<KernelRefusedException>(() => Service.Change(WithDebug));

        Assert.Equal(ControlError.KernelRefused, refused.Error);
        Assert.Same(before, Service.Config);
    }

    [Fact]
    public void ASaveFailureLeavesTheConfigurationAndTheKernelAsTheyWere()
    {
        var before = Service.Config;
        _cluster.BreakTheDisk();

        var refused = Assert.Throws<RefusedException>(() => Service.Change(WithDebug));

        Assert.Equal(ControlError.Internal, refused.Error);
        Assert.Same(before, Service.Config);
        Assert.Same(before, _cluster.Kernel.Current.Config); // the kernel got the old rules back
    }

    [Fact]
    public void SchedulingSpreadsNewConnectionsAndCountsThem()
    {
        var chosen = Enumerable.Range(0, 4).Select(i => Service.Schedule(ruleId: 1, Connection((ushort)(1000 + i)))!.Address).ToList();

        Assert.Equal(2, chosen.Count(a => a == First));
        Assert.Equal(2, chosen.Count(a => a == Second));
        Assert.Equal([2, 2], Service.Read((config, loads) => config.AllNodes.Select(n => loads[n.Id]).ToList()));
    }

    [Fact]
    public void AMaglevPoolPlacesEachFlowByItsHashWhateverTheLoads()
    {
        Service.Change(config => config.WithPool(config.FindPool(PoolName.First)! with { Scheduler = PoolScheduler.Maglev }));
        var table = Scheduling.MaglevTable.Build(Service.Config.AllNodes);

        for (ushort port = 1000; port < 1100; port++)
            Assert.Equal(table.Lookup(Connection(port).StableHash())!.Address, Service.Schedule(1, Connection(port))!.Address);
        Assert.Equal(100, Service.Read((config, loads) => config.AllNodes.Sum(n => loads[n.Id])));
    }

    [Fact]
    public void AConnectionPickedUpInMidStreamIsPlacedOnlyByAChoiceEveryFrontEndMakesAlike()
    {
        Assert.Null(Service.Schedule(1, Connection(1000), midStream: true)); // least load: this front-end's counts
        Assert.Equal(0, Service.Read((config, loads) => config.AllNodes.Sum(n => loads[n.Id])));

        Service.Change(config => config.WithPool(config.FindPool(PoolName.First)! with { Scheduler = PoolScheduler.Maglev }));
        var table = Scheduling.MaglevTable.Build(Service.Config.AllNodes);
        Assert.Equal(table.Lookup(Connection(1000).StableHash())!.Address, Service.Schedule(1, Connection(1000), midStream: true)!.Address);

        Service.Change(config => config.WithPool(config.FindPool(PoolName.First)! with { Sticky = new Persistence(60, Ipv4Address.Parse("255.255.255.0")) }));
        Assert.Null(Service.Schedule(1, Connection(1001), midStream: true)); // a sticky pool remembers what this front-end chose

        Service.Change(config => config with
        {
            Pools = [config.FindPool(PoolName.First)! with { Scheduler = PoolScheduler.LeastLoad, Sticky = null }],
            FirewallRules = [ClusterRule with { InterfaceAddress = Second }], // -W pool0 -V 10.0.0.2
        });
        Assert.Equal(Second, Service.Schedule(1, Connection(1002), midStream: true)!.Address); // a rule's node
    }

    [Fact]
    public void AConnectionClusterdEndedItselfIsScheduledAtItsNextPacketForANodeToResetIt()
    {
        Service.Ended([Connection(1000)]);

        Assert.NotNull(Service.Schedule(1, Connection(1000), midStream: true));
        Assert.Null(Service.Schedule(1, Connection(1000), midStream: true)); // once: its retransmission after the reset is no business of ours
    }

    [Fact]
    public void AConnectionAnotherFrontEndScheduledCountsOnceConntrackHoldsIt()
    {
        // conntrackd committing a failed peer's connections: events for flows this clusterd never scheduled, with the peer's node mark.
        var node = Service.Config.AllNodes.Last();
        Service.ConnectionsChanged([.. Enumerable.Range(0, 5).Select(i => new ConnectionChange(Connection((ushort)(2000 + i)), node.Id, Ended: false))]);

        Assert.Equal(5, Service.Read((_, loads) => loads[node.Id]));
        Assert.Equal(First, Service.Schedule(1, Connection(3000))!.Address); // the least loaded node now
    }

    [Fact]
    public void AnEndedConnectionNoLongerCounts()
    {
        var node = Service.Schedule(1, Connection(1000))!;
        Service.ConnectionsChanged([new ConnectionChange(Connection(1000), node.Id, Ended: false)]);

        Service.ConnectionsChanged([new ConnectionChange(Connection(1000), 0, Ended: true)]);

        Assert.Equal(0, Service.Read((_, loads) => loads[node.Id]));
        Assert.Empty(HeldConnections());
    }

    [Fact]
    public void NoNodeForARuleThatIsGoneOrAPoolWithoutNodes()
    {
        Assert.Null(Service.Schedule(ruleId: 99, Connection(1000)));

        Service.Change(config => WithoutNode(WithoutNode(config, config.AllNodes.First()), config.AllNodes.Last()));

        Assert.Null(Service.Schedule(ruleId: 1, Connection(1001)));
    }

    [Fact]
    public void ADeletedNodeKeepsItsPathUntilItsLastConnectionEnds()
    {
        var node = Service.Schedule(1, Connection(1000))!;
        Service.ConnectionsChanged([new ConnectionChange(Connection(1000), node.Id, Ended: false)]);

        Service.Change(config => WithoutNode(config, node));

        Assert.Equal([node], _cluster.Kernel.Current.Retired.Select(p => p.Node));
        Assert.Equal(node, Assert.Single(HeldConnections()).Node.Node);

        Service.ConnectionsChanged([new ConnectionChange(Connection(1000), 0, Ended: true)]);

        Assert.Empty(_cluster.Kernel.Current.Retired);
    }

    [Fact]
    public void EachHeldConnectionExpiresWhenConntrackLastSaid()
    {
        long before = Environment.TickCount64;
        Service.ConnectionsChanged([new ConnectionChange(Connection(1000), 1, Ended: false) { TimeoutSeconds = 300 }]);
        long after = Environment.TickCount64;
        Assert.InRange(Assert.Single(HeldConnections()).ExpiresAt, before + 300_000, after + 300_000);

        Service.RefreshExpiry([new TrackedConnection(Connection(1000), 1, IsClosing: false, TimeoutSeconds: 432_000)]);
        Assert.InRange(Assert.Single(HeldConnections()).ExpiresAt, after + 432_000_000, Environment.TickCount64 + 432_000_000);
    }

    [Fact]
    public void ConnectionsConntrackHoldsAfterARestartCount()
    {
        Service.ResetConnections([new TrackedConnection(Connection(1000), 1, IsClosing: false, 60), new TrackedConnection(Connection(1001), 1, IsClosing: false, 60)]);

        Assert.Equal(2, Service.Read((_, loads) => loads[1]));
        Assert.Equal(Second, Service.Schedule(1, Connection(1002))!.Address);
    }

    [Fact]
    public void AKernelRefusalOfNewInterfaceAddressesReachesTheWorker()
    {
        _cluster.Kernel.Refuse = _ => true;

        Assert.Throws<KernelRefusedException>(Service.InterfacesChanged); // WorkerLoop logs it and waits for the next event
    }

    [Fact]
    public void CountersComeFromTheKernel()
    {
        _cluster.Kernel.CounterValues["r1"] = new RuleCounter(5, 300);

        Assert.Equal(new RuleCounter(5, 300), Service.Counters(["r1"], zero: true)["r1"]);
        Assert.Equal(default, Service.Counters(["r1"], zero: false)["r1"]);
    }

    public void Dispose() => _cluster.Dispose();
}
