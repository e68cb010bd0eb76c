using TestSupport;

namespace DataPlane.Tests;

/// <summary>Real connections from the lab's client, balanced over real nodes by clusterd and the kernel.</summary>
public sealed class BalancingTests : IDisposable
{
    private readonly ClusterLab _cluster = new();

    private static Dictionary<string, int> CountByNode(IEnumerable<HeldConnection> connections) =>
        connections.GroupBy(c => c.Node).ToDictionary(g => g.Key, g => g.Count());

    private static bool AllZero(Dictionary<string, int> counts) => counts.Values.All(c => c == 0);

    [Theory]
    [InlineData("route")]
    [InlineData("masq")]
    public void ThreeHundredHeldConnectionsSplitEvenly(string method)
    {
        _cluster.Clconfig("-forward", "pool0", method);
        _cluster.SeedSetUp();
        var connections = _cluster.Client.Open(300);
        try
        {
            var byNode = CountByNode(connections);
            Assert.Equal(3, byNode.Count);
            Assert.All(byNode.Values, n => Assert.InRange(n, 99, 101));
            var counted = _cluster.Connections();
            Assert.All(counted.Values, n => Assert.InRange(n, 99, 101));
            Assert.Equal(byNode["node1"], counted["10.0.0.1"]);
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
        Assert.True(AllZero(_cluster.ConnectionsOnceSettled(AllZero)), "counts did not return to 0");
    }

    [Theory]
    [InlineData("route")]
    [InlineData("masq")]
    public void DoubleCostNodeHoldsHalf(string method)
    {
        _cluster.Clconfig("-forward", "pool0", method);
        _cluster.SeedSetUp(10, 10, 20);
        var connections = _cluster.Client.Open(300);
        try
        {
            var byNode = CountByNode(connections);
            Assert.InRange(byNode["node1"], 118, 122);
            Assert.InRange(byNode["node2"], 118, 122);
            Assert.InRange(byNode["node3"], 58, 62);
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
        Assert.True(AllZero(_cluster.ConnectionsOnceSettled(AllZero)), "counts did not return to 0");
    }

    [Fact]
    public void SequentialShortConnectionsSpreadEvenly()
    {
        _cluster.SeedSetUp();
        var nodes = _cluster.Client.ShortConnections(90);
        Assert.All(nodes.GroupBy(n => n), g => Assert.InRange(g.Count(), 28, 32));
        Assert.Equal(3, nodes.Distinct().Count());
    }

    [Fact]
    public void StaticNodeTakesEveryNewConnection()
    {
        for (int i = 1; i <= 3; i++) _cluster.Clconfig("-add", "pool0", Lab.NodeAddress(i));
        _cluster.Ipfwadm("-I", "-b", "-a", "cluster", "-S", "0/0", "-D", "1.2.3.4/32", "-W", "pool0", "-V", "10.0.0.2");
        var connections = _cluster.Client.Open(20);
        try
        {
            Assert.All(connections, c => Assert.Equal("node2", c.Node));
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    [Theory]
    [InlineData("route", "1.2.3.4")]
    [InlineData("masq", "10.0.0.")]
    public void NodesSeeTheDestinationTheirMethodGives(string method, string seen)
    {
        _cluster.Clconfig("-forward", "pool0", method);
        _cluster.SeedSetUp();
        var connections = _cluster.Client.Open(3);
        try
        {
            Assert.All(connections, c => Assert.StartsWith(seen, c.AddressSeen));
            if (method == "masq") Assert.All(connections, c => Assert.Equal("10.0.0." + c.Node[^1], c.AddressSeen));
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void NodeSetDownGetsNothingNewButKeepsWhatItHas()
    {
        _cluster.SeedSetUp();
        var before = _cluster.Client.Open(30);
        try
        {
            _cluster.Clconfig("-set", "pool0", "10.0.0.2", "down");
            var after = _cluster.Client.Open(30);
            try
            {
                Assert.DoesNotContain(after, c => c.Node == "node2");
                Assert.All(after, c => c.Exchange("after"));
            }
            finally
            {
                after.ForEach(c => c.Dispose());
            }
            var onNode2 = before.Where(c => c.Node == "node2").ToList();
            Assert.Equal(10, onNode2.Count);
            Assert.All(onNode2, c => c.Exchange("still here"));
        }
        finally
        {
            before.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void DeletedNodeKeepsItsConnectionsFlowing()
    {
        _cluster.SeedSetUp();
        var before = _cluster.Client.Open(30);
        try
        {
            _cluster.Clconfig("-del", "pool0", "10.0.0.3");
            var after = _cluster.Client.Open(10);
            Assert.DoesNotContain(after, c => c.Node == "node3");
            after.ForEach(c => c.Dispose());
            Assert.All(before.Where(c => c.Node == "node3"), c => c.Exchange("still flowing"));
        }
        finally
        {
            before.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void UdpFlowsStayOnTheirNodeAndNewFlowsBalance()
    {
        _cluster.SeedSetUp();
        var firstNodes = new List<string>();
        for (int flow = 0; flow < 9; flow++)
        {
            var answers = _cluster.Client.UdpFlow(5);
            Assert.Single(answers.Select(a => a.Node).Distinct());
            Assert.All(answers, a => Assert.Equal("1.2.3.4", a.AddressSeen));
            firstNodes.Add(answers[0].Node);
        }
        Assert.All(firstNodes.GroupBy(n => n), g => Assert.Equal(3, g.Count()));
    }

    [Fact]
    public void ConnectionsSurviveAKilledDaemonAndAreCountedAgain()
    {
        _cluster.SeedSetUp();
        var connections = _cluster.Client.Open(50);
        try
        {
            var byNode = CountByNode(connections);
            _cluster.Daemon.Kill();
            _cluster.Daemon.Start();
            Assert.All(connections, c => c.Exchange("after restart"));
            var counted = _cluster.Connections();
            Assert.Equal(50, counted.Values.Sum());
            for (int i = 1; i <= 3; i++) Assert.Equal(byNode[$"node{i}"], counted[Lab.NodeAddress(i)]);
            var more = _cluster.Client.Open(10); // and the restarted daemon balances new ones
            Assert.Equal(3, more.Select(c => c.Node).Distinct().Count());
            more.ForEach(c => c.Dispose());
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    public void Dispose() => _cluster.Dispose();
}
