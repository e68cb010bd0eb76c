using ClusterControl;
using Clusterd.Kernel.Queue;
using Clusterd.Tracking;

namespace Clusterd.Tests;

public class ConnectionTableTests
{
    private static Flow Flow(ushort port) => new(Kernel.Queue.Flow.Tcp, Ipv4Address.Parse("192.0.2.2"), port, Ipv4Address.Parse("1.2.3.4"), 80);

    [Fact]
    public void CountsEachFlowOnceAndFallsWhenItEnds()
    {
        var table = new ConnectionTable();
        Assert.True(table.Add(Flow(1000), 1));
        Assert.False(table.Add(Flow(1000), 1)); // a retransmitted SYN
        table.Add(Flow(1001), 2);
        Assert.Equal((1, 1), (table.Loads[1], table.Loads[2]));
        Assert.Equal(1, table.End(Flow(1000)));
        Assert.Null(table.End(Flow(1000)));      // closing, then destroyed: counted down once
        Assert.Equal((0, 1), (table.Loads[1], table.Loads[2]));
    }

    [Fact]
    public void ListsOldestFirst()
    {
        var table = new ConnectionTable();
        for (ushort port = 2000; port > 1990; port--) table.Add(Flow(port), port % 3 + 1);
        Assert.Equal(Enumerable.Range(1991, 10).Reverse().Select(p => (ushort)p), table.OldestFirst().Select(p => p.Flow.SourcePort));
    }

    [Fact]
    public void ResetReplacesEverything()
    {
        var table = new ConnectionTable();
        table.Add(Flow(1), 1);
        table.Reset([(Flow(2), 2), (Flow(3), 2)]);
        Assert.Equal((0, 2, 2), (table.Loads[1], table.Loads[2], table.Count));
    }

    [Fact]
    public void OrderSurvivesChurnAndCompaction()
    {
        var table = new ConnectionTable();
        for (ushort port = 1; port <= 5000; port++) table.Add(Flow(port), 1);
        for (ushort port = 1; port <= 5000; port++)
            if (port % 5 != 0) table.End(Flow(port));
        table.Add(Flow(1), 2); // a port reused after its first connection ended is the newest
        var order = table.OldestFirst().Select(p => p.Flow.SourcePort).ToList();
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (ushort)(i * 5)).Append((ushort)1), order);
        Assert.Equal(1001, table.Count);
    }
}
