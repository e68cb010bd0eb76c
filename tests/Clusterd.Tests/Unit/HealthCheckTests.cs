using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Control;
using Clusterd.Core;
using Clusterd.Scheduling;
using Clusterd.State;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>Health checks without probes: rise and fall, what a failed node may take, the -check command, its -save line and its state file.</summary>
public sealed class HealthCheckTests : IDisposable
{
    private static readonly DateTime Now = new(2026, 12, 2, 1, 0, 0, DateTimeKind.Utc);
    private static readonly HealthCheck Tcp80 = new() { Kind = CheckKind.Tcp, Port = 80 };
    private static readonly FirewallRule ClusterRule = new() { Id = 1, Chain = FirewallChain.Input, Policy = RulePolicy.Cluster, Interface = PoolName.First };

    private readonly TestCluster _cluster = new(TestCluster.WithNodes("10.0.0.1", "10.0.0.2") with { FirewallRules = [ClusterRule], NextRuleId = 2 });

    private static NodeHealth Results(params bool[] passes)
    {
        var health = NodeHealth.Unchecked;
        foreach (bool passed in passes) health = health.After(passed, passed ? "ok" : "refused", rise: 2, fall: 3, Now);
        return health;
    }

    private static Flow Connection(ushort port) => new(Flow.Tcp, Ipv4Address.Parse("192.0.2.9"), port, Ipv4Address.Parse("1.2.3.4"), 80);

    private void Check(HealthCheck? check, string? node = null) =>
        _cluster.Service.Change(c => PoolCommands.SetCheck(c, new ControlRequest
        {
            Op = ControlOp.Check, Pool = PoolName.First, Check = check, Node = node is null ? null : Ipv4Address.Parse(node),
        }));

    private void Fail(int nodeId, int times)
    {
        for (int i = 0; i < times; i++) _cluster.Service.CheckResult(nodeId, passed: false, "connection refused");
    }

    private string StateWord(int nodeId) =>
        _cluster.Service.Read((config, _, health) => ClusterControl.ClusterWords.StateWord(config.AllNodes.Single(n => n.Id == nodeId).State, health[nodeId].Failed));

    [Fact]
    public void FallFailuresInARowFailANode()
    {
        Assert.False(Results(false, false).Failed);
        Assert.False(Results(false, false, true, false, false).Failed); // a pass starts the count again
        var failed = Results(false, false, false);
        Assert.True(failed.Failed);
        Assert.Equal(Now, failed.Changed);
        Assert.Equal("refused", failed.LastResult);
    }

    [Fact]
    public void RisePassesInARowBringItBack()
    {
        Assert.True(Results(false, false, false, true).Failed);
        Assert.True(Results(false, false, false, true, false, true).Failed);
        Assert.False(Results(false, false, false, true, true).Failed);
    }

    [Fact]
    public void AFailedNodeTakesNothingNewNotEvenFromAStaticRule()
    {
        var pool = TestCluster.WithNodes("10.0.0.1", "10.0.0.2").Pools[0];
        var loads = new NodeLoads();
        loads.SetFailed(1, true);

        Assert.All(Enumerable.Range(0, 6), _ => Assert.Equal(2, new LeastLoadPolicy().Choose(pool, loads, 0)!.Id));
        Assert.Equal(2, new StaticNodePolicy(Ipv4Address.Parse("10.0.0.1"), new LeastLoadPolicy()).Choose(pool, loads, 0)!.Id);
        loads.SetFailed(2, true);
        Assert.Null(new LeastLoadPolicy().Choose(pool, loads, 0));
    }

    [Fact]
    public void TheServiceFailsAndReturnsANodeByItsCheck()
    {
        Check(Tcp80);
        Fail(1, HealthCheck.DefaultFall);

        Assert.Equal("failed", StateWord(1));
        Assert.False(_cluster.Service.TakesNewConnections(_cluster.Service.Config.AllNodes.First()));
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(2, _cluster.Service.Schedule(1, Connection((ushort)(1000 + i)))!.Id));

        for (int i = 0; i < HealthCheck.DefaultRise; i++) _cluster.Service.CheckResult(1, passed: true, "connected");
        Assert.Equal("up", StateWord(1));
    }

    [Fact]
    public void TheKernelFallbackLeavesAFailedNodeOutUntilItRecovers()
    {
        Check(Tcp80);
        Fail(1, HealthCheck.DefaultFall);
        Assert.Equal([1], _cluster.Kernel.Failed);

        for (int i = 0; i < HealthCheck.DefaultRise; i++) _cluster.Service.CheckResult(1, passed: true, "connected");
        Assert.Empty(_cluster.Kernel.Failed);
    }

    [Fact]
    public void ActivityCarriesTheFailedWordAndTheLastProbe()
    {
        Check(Tcp80);
        for (int i = 0; i < HealthCheck.DefaultFall; i++)
            _cluster.Service.CheckResult(1, passed: false, "connection refused", TimeSpan.FromMilliseconds(3));
        _cluster.Service.CheckResult(1, passed: false, "reset at the handshake"); // passive: no probe time of its own

        var node = _cluster.Service.Activity().Single(n => n.Node.Id == 1);
        Assert.Equal("failed", node.StateWord);
        Assert.Equal(TimeSpan.FromMilliseconds(3), node.Health.LastProbeTook);
        Assert.Contains("failed", ClusterControl.ClusterWords.StateWords);
    }

    [Fact]
    public void ConnectionsEndingAtTheHandshakeCountAsFailedChecks()
    {
        Check(Tcp80);
        var service = _cluster.Service;
        for (ushort port = 1000; port < 1004; port++)
        {
            var flow = Connection(port);
            int node = service.Schedule(1, flow)!.Id;
            service.ConnectionsChanged([new ConnectionChange(flow, node, Ended: false), new ConnectionChange(flow, node, Ended: true) { HandshakeFailed = node == 1 }]);
        }

        Assert.Equal("failed", StateWord(1));
        Assert.Equal("up", StateWord(2));
        Assert.Contains("handshake", service.Read((_, _, health) => health[1].LastResult));
    }

    [Fact]
    public void AHandshakeUnansweredForASecondIsReportedOnceAndAnAnsweredOneNever()
    {
        var watched = new UnansweredHandshakes();
        var reported = new List<(int Node, Flow Flow)>();
        watched.Watch(Connection(1000), 1, now: 0);
        watched.Watch(Connection(1001), 2, now: 100);
        watched.Watch(Connection(1002), 1, now: 200);
        watched.Forget(Connection(1001)); // node 2 answered

        void TakeOverdue(long now)
        {
            while (watched.TryTakeOverdue(now, out int node, out var flow)) reported.Add((node, flow));
        }

        TakeOverdue(999);
        Assert.Empty(reported);
        TakeOverdue(1200);
        TakeOverdue(5000);

        Assert.Equal([(1, Connection(1000)), (1, Connection(1002))], reported);
        Assert.Equal(0, watched.Count);
    }

    [Fact]
    public void ResultsForAnUncheckedOrDownNodeChangeNothing()
    {
        Fail(1, 5);
        Assert.Equal("up", StateWord(1)); // no check configured

        Check(Tcp80);
        _cluster.Service.Change(c => PoolCommands.SetNode(c, new ControlRequest { Op = ControlOp.Set, Pool = PoolName.First, Node = Ipv4Address.Parse("10.0.0.1"), State = NodeState.Down }));
        Fail(1, 5);
        Assert.Equal("down", StateWord(1));
    }

    [Fact]
    public void RemovingTheCheckReleasesAFailedNode()
    {
        Check(Tcp80);
        Fail(1, 2);
        Assert.Equal("failed", StateWord(1));

        Check(new HealthCheck { Kind = CheckKind.None }, "10.0.0.1"); // this node is not checked
        Assert.Equal("up", StateWord(1));
        Assert.Null(_cluster.Service.Config.Pools[0].CheckOf(_cluster.Service.Config.AllNodes.First()));
        Assert.Equal(Tcp80, _cluster.Service.Config.Pools[0].CheckOf(_cluster.Service.Config.AllNodes.Last()));
    }

    [Fact]
    public void ANodeReturnsToItsPoolsCheckAndNoneRemovesThePoolsCheck()
    {
        Check(Tcp80);
        Check(new HealthCheck { Kind = CheckKind.Http, Port = 8080, Path = "/health" }, "10.0.0.2");
        Assert.Equal(CheckKind.Http, _cluster.Service.Config.AllNodes.Last().Check!.Kind);

        Check(null, "10.0.0.2");
        Assert.Null(_cluster.Service.Config.AllNodes.Last().Check);
        Check(new HealthCheck { Kind = CheckKind.None });
        Assert.Null(_cluster.Service.Config.Pools[0].Check);
    }

    [Theory]
    [InlineData(CheckKind.Tcp, 0, null, null, 500)]
    [InlineData(CheckKind.Http, 80, "health", null, 500)]
    [InlineData(CheckKind.Exec, 0, null, "", 500)]
    [InlineData(CheckKind.Tcp, 80, null, null, 10)]
    public void ABadCheckIsRefusedAndNothingChanges(CheckKind kind, int port, string? path, string? command, int interval)
    {
        var before = _cluster.Service.Config;
        var check = new HealthCheck { Kind = kind, Port = port, Path = path, Command = command, IntervalMs = interval };

        var refused = Assert.Throws<RefusedException>(() => Check(check));

        Assert.Equal(ControlError.BadRequest, refused.Error);
        Assert.Same(before, _cluster.Service.Config);
    }

    [Theory]
    [InlineData("{\"op\":\"Check\",\"pool\":\"pool0\",\"check\":{\"kind\":\"Udp\"}}")]
    [InlineData("{\"op\":\"Check\",\"pool\":\"pool0\",\"check\":{\"kind\":7}}")]
    [InlineData("{\"op\":\"Check\",\"pool\":\"pool0\",\"check\":{\"kind\":\"Http\",\"port\":80}}")]
    [InlineData("{\"op\":\"Check\",\"pool\":\"pool0\",\"check\":{\"kind\":\"Exec\"}}")]
    [InlineData("{\"op\":\"Check\",\"pool\":\"pool0\",\"check\":{\"kind\":\"Tcp\",\"port\":80,\"fall\":0}}")]
    public void AMalformedCheckRequestGetsAnErrorAndChangesNothing(string line)
    {
        var before = _cluster.Service.Config;

        var reply = _cluster.Handler.Handle(System.Text.Encoding.UTF8.GetBytes(line), callerUid: 0);

        Assert.False(reply.Answer.Ok);
        Assert.Equal(ControlError.BadRequest, reply.Answer.Error);
        Assert.Same(before, _cluster.Service.Config);
    }

    [Fact]
    public void ChecksAreSavedAsTheirCommandsWithOnlyWhatDiffersFromTheDefaults()
    {
        Check(Tcp80 with { IntervalMs = 1000, Fall = 3 });
        Check(new HealthCheck { Kind = CheckKind.Exec, Command = "check-node --port 80 'x'" }, "10.0.0.1");
        Check(new HealthCheck { Kind = CheckKind.Http, Port = 8080, Path = "/health?full", Expect = 204 }, "10.0.0.2");
        var text = new StringWriter();
        ConfigScript.Write(text, _cluster.Service.Config);

        Assert.Contains(
            "clconfig -add pool0 10.0.0.2 up cost 1\n" +
            "clconfig -check pool0 tcp 80 interval 1000 fall 3\n" +
            "clconfig -check pool0 10.0.0.1 exec 'check-node --port 80 '\\''x'\\'''\n" +
            "clconfig -check pool0 10.0.0.2 http 8080 '/health?full' expect 204\n", text.ToString());
    }

    [Fact]
    public void ChecksSurviveTheStateFile()
    {
        Check(Tcp80 with { Rise = 5 });
        Check(new HealthCheck { Kind = CheckKind.None }, "10.0.0.2");

        var loaded = _cluster.StateFile.Load(out string? problem);

        Assert.Null(problem);
        Assert.Equal(_cluster.Service.Config.Pools[0].Check, loaded.Pools[0].Check);
        Assert.Equal(CheckKind.None, loaded.AllNodes.Last().Check!.Kind);
    }

    public void Dispose() => _cluster.Dispose();
}
