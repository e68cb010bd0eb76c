using TestSupport;
using Xunit.Abstractions;

namespace DataPlane.Tests;

/// <summary>
/// First packets clusterd schedules but the front-end's kernel drops right after the verdict (TTL 1,
/// a source route, a malformed IP option): conntrack never confirms them, so they must not stay
/// counted as load — the counts follow what conntrack holds.
/// </summary>
public sealed class DroppedFirstPacketTests(ITestOutputHelper output) : IDisposable
{
    private const int HeldConnections = 6;
    private readonly ClusterLab _cluster = new(nodes: 4);

    /// <summary>The seed's rule over nodes 1–3; node 4 is added later.</summary>
    private void SetUpThreeNodes()
    {
        for (int i = 1; i <= 3; i++) _cluster.Clconfig("-add", "pool0", Lab.NodeAddress(i), "up", "cost", "10");
        _cluster.Ipfwadm("-I", "-b", "-a", "cluster", "-S", "0/0", "-D", Lab.SharedAddress + "/32", "-W", "pool0");
    }

    [Fact]
    public void DroppedFirstPacketsLeaveNoLoadAndANewNodeIsNotFlooded()
    {
        SetUpThreeNodes();
        var held = _cluster.Client.Open(HeldConnections);
        try
        {
            foreach (string kind in new[] { "syn+ttl1", "udp+ttl1", "syn+lsrr", "udp+badopt" })
                _cluster.Client.Flood(kind, count: 5000, perSecond: 10_000);
            var counts = _cluster.ConnectionsOnceSettled(c => c.Values.Sum() == HeldConnections);
            Assert.Equal(HeldConnections, counts.Values.Sum());
            Assert.Equal(HeldConnections, _cluster.Lab.ConntrackToSharedAddress());

            _cluster.Clconfig("-add", "pool0", Lab.NodeAddress(4), "up", "cost", "10");
            var more = _cluster.Client.Open(10);
            held.AddRange(more);
            Assert.InRange(more.Count(c => c.Node == "node4"), 1, 5); // 0 + 4 of 10 evens the loads; all 10 would mean it was flooded
            Assert.All(_cluster.Connections().Values, n => Assert.Equal(4, n));
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
    }

    /// <summary>The reproduction at full size; run by <c>make stress</c>, not <c>make test</c>.</summary>
    [Theory]
    [Trait("Category", "Stress")]
    [InlineData("syn+ttl1")]
    [InlineData("udp+lsrr")]
    [InlineData("syn+badopt")]
    public void SixHundredThousandDroppedFirstPacketsLeaveNoLoadAndGiveMemoryBack(string kind)
    {
        SetUpThreeNodes();
        _cluster.Client.Flood(kind, count: 1000, perSecond: 10_000); // warm up: the daemon's steady size
        _cluster.ConnectionsOnceSettled(c => c.Values.Sum() == 0);
        long before = _cluster.Daemon.ResidentKilobytes();
        var started = DateTime.UtcNow;
        _cluster.Client.Flood(kind, count: 600_000, perSecond: 30_000);
        long peak = _cluster.Daemon.ResidentKilobytes();
        var counts = _cluster.ConnectionsOnceSettled(c => c.Values.Sum() == 0);
        var settledAfter = DateTime.UtcNow - started;
        Thread.Sleep(TimeSpan.FromSeconds(5)); // let the runtime hand memory back
        long after = _cluster.Daemon.ResidentKilobytes();
        output.WriteLine($"600000 {kind} packets at 30k/s: loads 0 {settledAfter.TotalSeconds:F1} s after the flood began; " +
                         $"RSS {before / 1024} MB before, {peak / 1024} MB at the end of the flood, {after / 1024} MB after");
        Assert.All(counts.Values, n => Assert.Equal(0, n));
        Assert.Equal(0, _cluster.Lab.ConntrackToSharedAddress());
        Assert.InRange(after - before, long.MinValue, 20 * 1024);
    }

    public void Dispose() => _cluster.Dispose();
}
