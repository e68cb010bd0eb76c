using TestSupport;
using Xunit.Abstractions;

namespace DataPlane.Tests;

/// <summary>Slow start against real nodes: a node set up again takes a small share of the next connections, not all of them.</summary>
public sealed class SlowStartTests(ITestOutputHelper output) : IDisposable
{
    private readonly ClusterLab _cluster = new();

    [Fact]
    public void ANodeSetUpAgainTakesASmallShareOfTheNextConnections()
    {
        _cluster.SeedSetUpWith(["-slowstart", "30"]);
        _cluster.Clconfig("-set", "pool0", "10.0.0.3", "down");
        var held = _cluster.Client.Open(30); // 15 each on node1 and node2
        try
        {
            _cluster.Clconfig("-set", "pool0", "10.0.0.3", "up");
            var next = _cluster.Client.Open(20);
            held.AddRange(next);
            int toNode3 = next.Count(c => c.Node == "node3");
            output.WriteLine($"slow start 30 s: node3 took {toNode3} of the next 20 connections (least load alone gives it at least 15)");
            Assert.InRange(toNode3, 1, 6);
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
    }

    public void Dispose() => _cluster.Dispose();
}
