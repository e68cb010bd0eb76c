using System.Text;
using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Control;
using Clusterd.Core;
using Clusterd.State;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>Each control request through the handler, over the fakes: who may ask, and what each answers.</summary>
public sealed class RequestHandlerTests : IDisposable
{
    private const uint Root = 0, User = 1000, Nobody = 65534;
    private static readonly Ipv4Address Node = Ipv4Address.Parse("10.0.0.1");
    private static readonly FirewallRule ClusterRule = new()
    {
        Policy = RulePolicy.Cluster, Interface = PoolName.First,
        Destination = new AddressMatch(Ipv4Address.Parse("1.2.3.4"), Ipv4Address.Parse("255.255.255.255"), [80], false), Protocol = RuleProtocol.Tcp,
    };

    private readonly TestCluster _cluster = new(TestCluster.WithNodes("10.0.0.1"));

    private ControlReply Handle(ControlRequest request, uint caller = Root) => _cluster.Handler.Handle(request, caller);

    private static ControlRequest Op(ControlOp op) => new() { Op = op, Pool = PoolName.First, Node = Node };

    private static ControlRequest Firewall(FirewallCommand command, params FirewallRule[] rules) =>
        new() { Op = ControlOp.Firewall, Firewall = new FirewallRequest { Command = command, Chain = FirewallChain.Input, Rules = [.. rules] } };

    private static string Body(ControlReply reply)
    {
        Assert.True(reply.Answer.Ok, reply.Answer.Message);
        using var body = new MemoryStream();
        reply.WriteBody!(body);
        return Encoding.UTF8.GetString(body.ToArray());
    }

    /// <summary>Every request that changes a pool or node, each asked by an ordinary user and by nobody (uid 65534).</summary>
    public static TheoryData<ControlOp, uint> PoolChangesByNonRoot()
    {
        var data = new TheoryData<ControlOp, uint>();
        ControlOp[] changes = [ControlOp.Add, ControlOp.Set, ControlOp.Del, ControlOp.Create, ControlOp.Forward, ControlOp.Destroy, ControlOp.Debug, ControlOp.Check, ControlOp.Scheduler];
        foreach (var op in changes)
            foreach (uint uid in new[] { User, Nobody }) data.Add(op, uid);
        return data;
    }

    [Theory]
    [MemberData(nameof(PoolChangesByNonRoot))]
    public void OnlyRootMayChangeTheCluster(ControlOp op, uint uid)
    {
        var before = _cluster.Service.Config;
        Assert.Equal(ControlError.PermissionDenied, Handle(Op(op) with { Pool = "pool1", Level = 3 }, uid).Answer.Error);
        Assert.Same(before, _cluster.Service.Config);
    }

    /// <summary>nobody, the usual unprivileged account: every firewall request that changes anything (or zeroes counters, or probes the firewall) is refused.</summary>
    [Theory]
    [InlineData(FirewallCommand.Append)]
    [InlineData(FirewallCommand.Insert)]
    [InlineData(FirewallCommand.Delete)]
    [InlineData(FirewallCommand.Flush)]
    [InlineData(FirewallCommand.Zero)]
    [InlineData(FirewallCommand.ListAndZero)]
    [InlineData(FirewallCommand.SetPolicy)]
    [InlineData(FirewallCommand.Check)]
    [InlineData(FirewallCommand.SetMasqueradeTimeouts)]
    public void NobodyChangesNoFirewall(FirewallCommand command)
    {
        Assert.True(Handle(Firewall(FirewallCommand.Append, ClusterRule)).Answer.Ok);
        var before = _cluster.Service.Config;
        var request = new ControlRequest
        {
            Op = ControlOp.Firewall,
            Firewall = new FirewallRequest
            {
                Command = command, Chain = FirewallChain.Input, Rules = [ClusterRule], Policy = new DefaultPolicy(RulePolicy.Deny),
                Timeouts = new MasqueradeTimeouts(1, 1, 1),
            },
        };
        Assert.Equal(ControlError.PermissionDenied, Handle(request, Nobody).Answer.Error);
        Assert.Same(before, _cluster.Service.Config);
    }

    [Fact]
    public void AnyoneMayRead()
    {
        Assert.True(Handle(Op(ControlOp.List), User).Answer.Ok);
        Assert.True(Handle(Op(ControlOp.Status), User).Answer.Ok);
        Assert.True(Handle(Op(ControlOp.Save), User).Answer.Ok);
        Assert.True(Handle(Firewall(FirewallCommand.List), User).Answer.Ok);
        Assert.Equal(ControlError.PermissionDenied, Handle(Firewall(FirewallCommand.ListAndZero), User).Answer.Error);
        Assert.Equal(ControlError.PermissionDenied, Handle(Firewall(FirewallCommand.Append, ClusterRule), User).Answer.Error);
    }

    [Fact]
    public void AnotherProtocolVersionIsRefused() =>
        Assert.Equal(ControlError.BadRequest, Handle(Op(ControlOp.List) with { Version = ControlProtocol.Version + 1 }).Answer.Error);

    [Fact]
    public void PoolAndNodeChangesReachTheConfigurationAndTheKernel()
    {
        Assert.True(Handle(Op(ControlOp.Create) with { Pool = "pool1" }).Answer.Ok);
        Assert.True(Handle(Op(ControlOp.Add) with { Pool = "pool1", Cost = 3 }).Answer.Ok);
        Assert.True(Handle(Op(ControlOp.Set) with { Pool = "pool1", State = NodeState.Down }).Answer.Ok);
        Assert.True(Handle(Op(ControlOp.Forward) with { Pool = "pool1", Forward = ForwardMethod.Masq }).Answer.Ok);
        Assert.True(Handle(new ControlRequest { Op = ControlOp.Debug, Level = 2 }).Answer.Ok);

        var pool = _cluster.Kernel.Current.Config.FindPool("pool1")!;
        Assert.Equal(ForwardMethod.Masq, pool.Forward);
        Assert.Equal((NodeState.Down, 3), (pool.Nodes[0].State, pool.Nodes[0].Cost));
        Assert.Equal(2, _cluster.Service.Config.DebugLevel);

        Assert.True(Handle(Op(ControlOp.Del) with { Pool = "pool1" }).Answer.Ok);
        Assert.True(Handle(Op(ControlOp.Destroy) with { Pool = "pool1" }).Answer.Ok);
        Assert.Null(_cluster.Service.Config.FindPool("pool1"));
    }

    [Fact]
    public void ARefusalIsAnsweredWithItsReason()
    {
        var reply = Handle(Op(ControlOp.Add));

        Assert.Equal(ControlError.Exists, reply.Answer.Error);
        Assert.Contains("already in pool0", reply.Answer.Message);
    }

    [Fact]
    public void ANodeOrPoolAClusterRuleNamesStays()
    {
        Assert.True(Handle(Firewall(FirewallCommand.Append, ClusterRule with { InterfaceAddress = Node })).Answer.Ok);

        Assert.Equal(ControlError.InUse, Handle(Op(ControlOp.Del)).Answer.Error);
    }

    [Fact]
    public void ListAndStatusShowNodesAndTheConnectionsConntrackHolds()
    {
        Assert.True(Handle(Firewall(FirewallCommand.Append, ClusterRule)).Answer.Ok);
        var flow = new Flow(Flow.Tcp, Ipv4Address.Parse("192.0.2.9"), 1000, Ipv4Address.Parse("1.2.3.4"), 80);
        var node = _cluster.Service.Schedule(_cluster.Service.Config.FirewallRules[0].Id, flow)!;
        Assert.DoesNotContain("192.0.2.9", Body(Handle(Op(ControlOp.Status)))); // conntrack has not reported it yet
        _cluster.Service.ConnectionsChanged([new ConnectionChange(flow, node.Id, Ended: false) { TimeoutSeconds = 42 }]);

        Assert.Contains("pool0  10.0.0.1        up        1      1          1\n", Body(Handle(Op(ControlOp.List))));
        string status = Body(Handle(Op(ControlOp.Status)));
        string row = status.Split('\n').Single(line => line.Contains("192.0.2.9"));
        Assert.StartsWith("TCP  pool0  192.0.2.9:1000        1.2.3.4:80            10.0.0.1        ", row);
        Assert.InRange(double.Parse(row[^7..], System.Globalization.CultureInfo.InvariantCulture), 1, 42); // counts down from the event's 42 s
        Assert.Contains("\"connections\": 1", Body(Handle(Op(ControlOp.List) with { Format = OutputFormat.Json })));
        Assert.Equal(ControlError.NoSuchPool, Handle(Op(ControlOp.List) with { Pool = "pool9" }).Answer.Error);
    }

    [Fact]
    public void StatusJsonCountsTheQueuedPacketsByKind()
    {
        _cluster.Service.Packets.Count(PacketKind.Fragment);
        _cluster.Service.Packets.Count(PacketKind.Ordinary);
        _cluster.Service.Packets.Count(PacketKind.Ordinary);
        _cluster.Service.Packets.DroppedNoNode();
        string status = Body(Handle(Op(ControlOp.Status) with { Format = OutputFormat.Json }));
        using var json = System.Text.Json.JsonDocument.Parse(status);
        var packets = json.RootElement.GetProperty("packets");
        Assert.Equal((1, 2, 0), (packets.GetProperty("fragment").GetInt64(), packets.GetProperty("ordinary").GetInt64(), packets.GetProperty("notIpv4").GetInt64()));
        Assert.Equal(1, packets.GetProperty(PacketCounters.NoNodeName).GetInt64());
        Assert.Equal(Enum.GetValues<PacketKind>().Length + 1, packets.EnumerateObject().Count());
    }

    [Fact]
    public void ListJsonCarriesPersistenceSlowStartAndDrainTimeout()
    {
        Assert.True(Handle(Op(ControlOp.Add) with { Node = Ipv4Address.Parse("10.0.0.2") }).Answer.Ok);
        Assert.True(Handle(Op(ControlOp.Sticky) with { Sticky = new Persistence(300, Ipv4Address.Parse("255.255.255.0")) }).Answer.Ok);
        Assert.True(Handle(Op(ControlOp.SlowStart) with { SlowStart = 20 }).Answer.Ok);
        Assert.True(Handle(Op(ControlOp.Set) with { Node = Ipv4Address.Parse("10.0.0.2"), State = NodeState.Drain, DrainTimeout = 30 }).Answer.Ok);

        using var json = System.Text.Json.JsonDocument.Parse(Body(Handle(Op(ControlOp.List) with { Format = OutputFormat.Json })));
        var pool = json.RootElement.GetProperty("pools")[0];
        Assert.Equal((300, "255.255.255.0", 20),
            (pool.GetProperty("sticky").GetProperty("seconds").GetInt32(), pool.GetProperty("sticky").GetProperty("mask").GetString(), pool.GetProperty("slowStart").GetInt32()));
        var drained = json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("node").GetString() == "10.0.0.2");
        Assert.Equal(("drain", 30), (drained.GetProperty("state").GetString(), drained.GetProperty("drainTimeout").GetInt32()));
    }

    [Fact]
    public void SaveIsTheScriptOfTheConfiguration() =>
        Assert.Contains("clconfig -add pool0 10.0.0.1 up cost 1\n", Body(Handle(Op(ControlOp.Save))));

    [Fact]
    public void FirewallRulesAreAddedListedWithTheirCountersAndDeleted()
    {
        Assert.True(Handle(Firewall(FirewallCommand.Append, ClusterRule)).Answer.Ok);
        _cluster.Kernel.CounterValues["r1"] = new RuleCounter(3, 180);

        var listed = Assert.Single(Handle(Firewall(FirewallCommand.ListAndZero)).Answer.Firewall!.Rules);
        Assert.Equal((3ul, 180ul), (listed.Packets, listed.Bytes));
        Assert.Equal(0ul, Handle(Firewall(FirewallCommand.List)).Answer.Firewall!.Rules[0].Packets);

        Assert.True(Handle(Firewall(FirewallCommand.Delete, ClusterRule)).Answer.Ok);
        Assert.Empty(_cluster.Kernel.Current.Config.FirewallRules);
        Assert.Equal(ControlError.KernelRefused, Handle(Firewall(FirewallCommand.Delete, ClusterRule)).Answer.Error);
    }

    [Fact]
    public void ACheckNeedsTheInterfaceToExist()
    {
        _cluster.Interfaces.Held.Add(("eth0", Ipv4Address.Parse("192.0.2.1")));
        var packet = new CheckedPacket(RuleProtocol.Tcp, Ipv4Address.Parse("192.0.2.9"), 1000, Ipv4Address.Parse("1.2.3.4"), 80, "eth0", Ipv4Address.Parse("192.0.2.1"), true);
        var check = Firewall(FirewallCommand.Check) with { Firewall = new FirewallRequest { Command = FirewallCommand.Check, Chain = FirewallChain.Input, Packets = [packet, packet with { Interface = "eth9" }] } };

        Assert.Equal([CheckVerdict.Accepted, CheckVerdict.NoSuchInterface], Handle(check).Answer.Firewall!.Verdicts.ToArray());
    }

    [Fact]
    public void AnUnreadableConntrackRefusesTheReadBeforeAnyAnswerIsSent()
    {
        _cluster.Conntrack.Unreadable = true;

        var reply = Handle(Firewall(FirewallCommand.ListMasquerade));
        Assert.Equal(ControlError.KernelRefused, reply.Answer.Error);
        Assert.Equal("reading conntrack: test", reply.Answer.Message);
        Assert.Null(reply.WriteBody);
        Assert.True(Handle(Op(ControlOp.Status)).Answer.Ok); // the status is written from what clusterd holds
    }

    [Fact]
    public void AKernelRefusalOfAChangeIsTheAnswerAndChangesNothing()
    {
        var before = _cluster.Service.Config;
        _cluster.Kernel.Refuse = _ => true;

        var reply = Handle(Op(ControlOp.Debug) with { Level = 4 });

        Assert.Equal(ControlError.KernelRefused, reply.Answer.Error);
        Assert.Same(before, _cluster.Service.Config);
    }

    [Fact]
    public void MasqueradedConnectionsComeFromConntrack()
    {
        var entry = new MasqueradeEntry(RuleProtocol.Udp, Ipv4Address.Parse("192.168.1.5"), 5000, Ipv4Address.Parse("8.8.8.8"), 53, 61000, 3000, 0, 0, 0);
        _cluster.Conntrack.MasqueradedEntries.Add(entry);

        Assert.Equal([entry], Handle(Firewall(FirewallCommand.ListMasquerade), User).Answer.Firewall!.Masqueraded.ToArray());
    }

    public void Dispose() => _cluster.Dispose();
}
