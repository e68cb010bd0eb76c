using System.Text;
using System.Text.Json;
using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Control;
using Clusterd.Core;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>clconfig -rate's request over the fakes, and the kernel's queue figures in the JSON status.</summary>
public sealed class RateRequestTests : IDisposable
{
    private static readonly FirewallRule ClusterRule = new() { Id = 1, Chain = FirewallChain.Input, Policy = RulePolicy.Cluster, Interface = PoolName.First };

    private readonly TestCluster _cluster = new(TestCluster.WithNodes("10.0.0.1", "10.0.0.2") with { FirewallRules = [ClusterRule], NextRuleId = 2 });

    private static string Body(ControlReply reply)
    {
        Assert.True(reply.Answer.Ok, reply.Answer.Message);
        using var body = new MemoryStream();
        reply.WriteBody!(body);
        return Encoding.UTF8.GetString(body.ToArray());
    }

    private void Schedule(int connections)
    {
        for (int i = 0; i < connections; i++)
            _cluster.Service.Schedule(1, new Flow(Flow.Tcp, Ipv4Address.Parse("192.0.2.9"), (ushort)(1000 + i), Ipv4Address.Parse("1.2.3.4"), 80));
    }

    [Fact]
    public void TheTextListsEveryNodeWithItsTotal()
    {
        Schedule(5);
        string text = Body(_cluster.Handler.Handle(new ControlRequest { Op = ControlOp.Rate }, callerUid: 1000)); // anyone may read
        Assert.Equal(
            "Pool   Node            State       CPS  Conns      Total\n" +
            "pool0  10.0.0.1        up          0.0      3          3\n" +
            "pool0  10.0.0.2        up          0.0      2          2\n", text);
    }

    [Fact]
    public void TheJsonIsWhatTheLiveViewReads()
    {
        Schedule(4);
        string json = Body(_cluster.Handler.Handle(new ControlRequest { Op = ControlOp.Rate, Pool = PoolName.First, Format = OutputFormat.Json }, 0));
        var report = JsonSerializer.Deserialize(json, ControlJson.Default.RateReport)!;
        Assert.Equal([("10.0.0.1", "up", 2, 2L), ("10.0.0.2", "up", 2, 2L)],
            report.Nodes.Select(n => (n.Node.ToString(), n.State, n.Connections, n.Total)));
    }

    [Fact]
    public void AnUnknownPoolIsRefused()
    {
        var reply = _cluster.Handler.Handle(new ControlRequest { Op = ControlOp.Rate, Pool = "pool7" }, 0);
        Assert.Equal(ControlError.NoSuchPool, reply.Answer.Error);
    }

    [Fact]
    public void TheJsonStatusCarriesTheKernelsQueueFigures()
    {
        var queues = new FakeQueueStatistics();
        queues.Queues.Add(new QueueFigures(Queue: 0, Waiting: 2, QueueFull: 7, SocketFull: 1, Issued: 900));
        var handler = new RequestHandler(_cluster.Service, _cluster.Conntrack, _cluster.Interfaces, queues);

        using var json = JsonDocument.Parse(Body(handler.Handle(new ControlRequest { Op = ControlOp.Status, Format = OutputFormat.Json }, 0)));
        var queue = json.RootElement.GetProperty("queues")[0];
        Assert.Equal((0, 2, 7, 1, 900),
            (queue.GetProperty("queue").GetInt32(), queue.GetProperty("waiting").GetInt32(), queue.GetProperty("queueFullDropped").GetInt32(),
             queue.GetProperty("socketFullDropped").GetInt32(), queue.GetProperty("packetIds").GetInt32()));
    }

    [Fact]
    public void EveryAppliedChangeIsCounted()
    {
        long before = _cluster.Service.ConfigurationChanges;
        _cluster.Handler.Handle(new ControlRequest { Op = ControlOp.Debug, Level = 2 }, 0);
        _cluster.Handler.Handle(new ControlRequest { Op = ControlOp.Debug, Level = 2 }, 1000); // refused: not root
        Assert.Equal(before + 1, _cluster.Service.ConfigurationChanges);
    }

    public void Dispose() => _cluster.Dispose();
}
