using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Control;
using Clusterd.Core;
using Clusterd.State;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>Persistence over the fakes: a client keeps its node, a masked network shares one, a node that stops taking new connections releases its clients.</summary>
public sealed class StickyTests : IDisposable
{
    private static readonly FirewallRule ClusterRule = new() { Id = 1, Chain = FirewallChain.Input, Policy = RulePolicy.Cluster, Interface = PoolName.First };

    private readonly TestCluster _cluster = new(TestCluster.WithNodes("10.0.0.1", "10.0.0.2", "10.0.0.3") with { FirewallRules = [ClusterRule], NextRuleId = 2 });
    private ushort _port = 1000;

    private void Sticky(Persistence? sticky) =>
        _cluster.Service.Change(c => PoolCommands.SetSticky(c, new ControlRequest { Op = ControlOp.Sticky, Pool = PoolName.First, Sticky = sticky }));

    /// <summary>A new connection from <paramref name="client"/>: the node it was given.</summary>
    private int Connect(string client) =>
        _cluster.Service.Schedule(ClusterRule.Id, new Flow(Flow.Tcp, Ipv4Address.Parse(client), _port++, Ipv4Address.Parse("1.2.3.4"), 80))!.Id;

    [Fact]
    public void WithoutStickinessClientsRotate() =>
        Assert.Equal(3, Enumerable.Range(0, 3).Select(_ => Connect("192.0.2.9")).Distinct().Count());

    [Fact]
    public void AClientKeepsItsNodeAcrossAHundredConnections()
    {
        Sticky(new Persistence(60, Persistence.HostMask));
        int first = Connect("192.0.2.9");
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(first, Connect("192.0.2.9")));
        Assert.NotEqual(first, Connect("192.0.2.10")); // another client is balanced as ever
    }

    [Fact]
    public void AMaskedNetworkSharesOneNode()
    {
        Sticky(new Persistence(60, Ipv4Address.Parse("255.255.255.0")));
        int first = Connect("192.0.2.9");
        Assert.All(Enumerable.Range(10, 20), i => Assert.Equal(first, Connect($"192.0.2.{i}")));
    }

    [Fact]
    public void AFailedNodeReleasesItsClientsWhoStayOnTheirNewOne()
    {
        Sticky(new Persistence(60, Persistence.HostMask));
        _cluster.Service.Change(c => PoolCommands.SetCheck(c, new ControlRequest
        {
            Op = ControlOp.Check, Pool = PoolName.First, Check = new HealthCheck { Kind = CheckKind.Tcp, Port = 80 },
        }));
        int first = Connect("192.0.2.9");
        for (int i = 0; i < HealthCheck.DefaultFall; i++) _cluster.Service.CheckResult(first, passed: false, "connection refused");

        int second = Connect("192.0.2.9");
        Assert.NotEqual(first, second);
        for (int i = 0; i < HealthCheck.DefaultRise; i++) _cluster.Service.CheckResult(first, passed: true, "connected");
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(second, Connect("192.0.2.9")));
    }

    [Fact]
    public void TurnedOffClientsRotateAgain()
    {
        Sticky(new Persistence(60, Persistence.HostMask));
        Connect("192.0.2.9");
        Sticky(null);
        Assert.Equal(3, Enumerable.Range(0, 3).Select(_ => Connect("192.0.2.9")).Distinct().Count());
    }

    [Fact]
    public void AnEntryExpiresItsSecondsAfterTheClientsLastConnection()
    {
        var table = new StickyClients();
        var sticky = new Persistence(10, Persistence.HostMask);
        var client = Ipv4Address.Parse("192.0.2.9");
        table.Remember("pool0", sticky, client, 2, nowMs: 0);
        table.Remember("pool0", sticky, client, 2, nowMs: 5_000);
        Assert.Equal(2, table.NodeOf("pool0", sticky, client, 14_999));
        Assert.Null(table.NodeOf("pool0", sticky, client, 15_000));
    }

    [Fact]
    public void TheTableStopsAtItsCapAndMakesRoomFromExpiredEntries()
    {
        var table = new StickyClients();
        var sticky = new Persistence(1, Persistence.HostMask);
        for (uint i = 0; i < Persistence.MaxClients; i++) table.Remember("pool0", sticky, new Ipv4Address(i), 1, nowMs: 0);
        table.Remember("pool0", sticky, new Ipv4Address(0xffff_0000), 1, nowMs: 500);
        Assert.Null(table.NodeOf("pool0", sticky, new Ipv4Address(0xffff_0000), 500));
        table.Remember("pool0", sticky, new Ipv4Address(0xffff_0000), 1, nowMs: 1_200); // too soon to sweep again
        Assert.Null(table.NodeOf("pool0", sticky, new Ipv4Address(0xffff_0000), 1_200));
        table.Remember("pool0", sticky, new Ipv4Address(0xffff_0000), 1, nowMs: 1_500);
        Assert.Equal((1, 1), (table.NodeOf("pool0", sticky, new Ipv4Address(0xffff_0000), 1_500), table.Count));
    }

    [Theory]
    [InlineData(0, "255.255.255.255")]
    [InlineData(Persistence.MaxSeconds + 1, "255.255.255.255")]
    [InlineData(60, "255.0.255.0")]
    public void ABadPersistenceIsRefused(int seconds, string mask) =>
        Assert.Equal(ControlError.BadRequest,
            Assert.Throws<RefusedException>(() => Sticky(new Persistence(seconds, Ipv4Address.Parse(mask)))).Error);

    [Fact]
    public void ItIsSavedAsTheLineThatSetsIt()
    {
        Sticky(new Persistence(300, Ipv4Address.Parse("255.255.255.0")));
        var text = new StringWriter();
        ConfigScript.Write(text, _cluster.Service.Config);
        Assert.Contains("clconfig -sticky pool0 300 mask 255.255.255.0\n", text.ToString());
        Assert.Equal(new Persistence(300, Ipv4Address.Parse("255.255.255.0")), _cluster.StateFile.Load(out _).FindPool(PoolName.First)!.Sticky);
    }

    public void Dispose() => _cluster.Dispose();
}
