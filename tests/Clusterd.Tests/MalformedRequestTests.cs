using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Control;
using Clusterd.State;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests;

/// <summary>
/// Every request a client could send gets an answer: each field of well-formed requests is
/// replaced in turn by values JSON allows but the types do not expect (null, [null], [{}], numbers
/// for enums…), and the handler must answer every one, as root and as anyone, without throwing.
/// </summary>
public sealed class MalformedRequestTests : IDisposable
{
    private readonly TestCluster _cluster = new(ClusterConfig.Initial.WithPool(new PoolConfig("pool0", ForwardMethod.Route,
        [new NodeConfig(Ipv4Address.Parse("10.0.0.1"), NodeState.Up, 10, 1)])) with { NextNodeId = 2 });

    private static readonly JsonNode?[] Hostile =
    [
        null, JsonNode.Parse("[null]"), JsonNode.Parse("[{}]"), JsonNode.Parse("{}"), JsonNode.Parse("[]"),
        99, -1, "x", "", true, JsonNode.Parse("1e40"), JsonNode.Parse("[[null]]"), JsonNode.Parse("{\"address\":null}"),
    ];

    private static IEnumerable<ControlRequest> WellFormed()
    {
        var anywhere = AddressMatch.Anywhere;
        var shared = new AddressMatch(Ipv4Address.Parse("1.2.3.4"), Ipv4Address.Parse("255.255.255.255"), [80], false);
        var rule = new FirewallRule { Policy = RulePolicy.Cluster, Interface = "pool0", Source = anywhere, Destination = shared };
        var packet = new CheckedPacket(RuleProtocol.Tcp, Ipv4Address.Parse("192.0.2.2"), 1024, Ipv4Address.Parse("1.2.3.4"), 80, "lo", Ipv4Address.Parse("127.0.0.1"), true);
        foreach (var op in Enum.GetValues<ControlOp>().Where(op => op != ControlOp.Firewall))
            yield return new ControlRequest { Op = op, Pool = "pool0", Node = Ipv4Address.Parse("10.0.0.2"), State = NodeState.Down, Cost = 5, Forward = ForwardMethod.Masq, Level = 1 };
        foreach (var command in Enum.GetValues<FirewallCommand>())
            yield return new ControlRequest
            {
                Op = ControlOp.Firewall,
                Firewall = new FirewallRequest
                {
                    Command = command, Chain = FirewallChain.Input, Rules = [rule], Packets = [packet],
                    Policy = new DefaultPolicy(RulePolicy.Deny), Timeouts = new MasqueradeTimeouts(1, 2, 3),
                },
            };
    }

    /// <summary>Each request with one value (at any depth) replaced by each hostile value, plus the field removed.</summary>
    private static IEnumerable<string> Mutations()
    {
        foreach (var request in WellFormed())
        {
            string json = JsonSerializer.Serialize(request, ControlJson.Default.ControlRequest);
            yield return json;
            int slots = Slots(JsonNode.Parse(json)!).Count;
            for (int i = 0; i < slots; i++)
            {
                foreach (var value in Hostile)
                {
                    var tree = JsonNode.Parse(json)!;
                    var (parent, key) = Slots(tree)[i];
                    Replace(parent, key, value?.DeepClone());
                    yield return tree.ToJsonString();
                }
                var without = JsonNode.Parse(json)!;
                var (from, name) = Slots(without)[i];
                if (from is JsonObject o) o.Remove((string)name);
                yield return without.ToJsonString();
            }
        }
    }

    private static List<(JsonNode Parent, object Key)> Slots(JsonNode node)
    {
        var slots = new List<(JsonNode, object)>();
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o.ToList())
                {
                    slots.Add((o, key));
                    if (child is not null) slots.AddRange(Slots(child));
                }
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    slots.Add((a, i));
                    if (a[i] is { } child) slots.AddRange(Slots(child));
                }
                break;
        }
        return slots;
    }

    private static void Replace(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject o) o[(string)key] = value;
        else ((JsonArray)parent)[(int)key] = value;
    }

    [Fact]
    public void EveryMalformedRequestGetsAnAnswerAndNoneThrows()
    {
        int requests = 0, refused = 0;
        foreach (string json in Mutations())
        {
            foreach (uint uid in new uint[] { 0, 65534 })
            {
                ControlReply reply;
                try
                {
                    reply = _cluster.Handler.Handle(Encoding.UTF8.GetBytes(json), uid);
                    reply.WriteBody?.Invoke(Stream.Null);
                }
                catch (Exception e)
                {
                    Assert.Fail($"uid {uid}: {json}\nthrew {e}");
                    throw;
                }
                requests++;
                if (!reply.Answer.Ok) refused++;
            }
        }
        Assert.InRange(requests, 2000, int.MaxValue);
        Assert.InRange(refused, requests / 4, requests);
    }

    [Theory]
    [InlineData("""{"version":1,"op":"Firewall","firewall":{"command":"Append","chain":"Input"}}""", false)] // rules missing: nothing to add
    [InlineData("""{"version":1,"op":"Firewall","firewall":{"command":"Append","chain":"Input","rules":null}}""", true)]
    [InlineData("""{"version":1,"op":"Firewall","firewall":{"command":"Append","chain":"Input","rules":[null]}}""", true)]
    [InlineData("""{"version":1,"op":"Firewall","firewall":{"command":"Check","chain":"Input","packets":[null]}}""", true)]
    [InlineData("""{"version":1,"op":"Firewall","firewall":{"command":"Check","chain":"Input","packets":[{}]}}""", true)]
    [InlineData("""{"version":1,"op":"Firewall","firewall":{"command":"Delete","chain":"Input","rules":[{"source":null}]}}""", true)]
    [InlineData("""{"version":1,"op":"Firewall","firewall":{"command":"Append","chain":99}}""", true)]
    public void TheIssuesRequestsAreAnswered(string json, bool malformed)
    {
        var reply = _cluster.Handler.Handle(Encoding.UTF8.GetBytes(json), 0);
        if (malformed)
        {
            Assert.False(reply.Answer.Ok);
            Assert.StartsWith("malformed request", reply.Answer.Message);
        }
    }

    public void Dispose() => _cluster.Dispose();
}
