using ClusterControl;
using Clusterd.Core;
using Clusterd.Tests.Fakes;
using Clusterd.Workers;

namespace Clusterd.Tests.Unit;

/// <summary>The expiry conntrack's events leave behind (traffic moves a timeout on silently) is brought up to date by lookups or dumps, whichever costs less, spaced by what they cost.</summary>
public sealed class ExpiryRefreshTests : IDisposable
{
    private readonly TestCluster _cluster = new(TestCluster.WithNodes("10.0.0.1"));

    [Fact]
    public void ReadsAreSpacedByAtLeastASecondAndNineteenTimesTheirOwnLength()
    {
        Assert.Equal(1_000 + ExpiryRefreshLoop.MinimumPeriodMs, ExpiryRefreshLoop.NextReadAt(started: 990, finished: 1_000));
        Assert.Equal(3_000 + 19 * 2_000, ExpiryRefreshLoop.NextReadAt(started: 1_000, finished: 3_000)); // a million entries: a twentieth of a core
    }

    [Fact]
    public void ADumpBringsInTheTimeoutTrafficMovedOnWithoutAnEvent()
    {
        var flow = new Flow(Flow.Tcp, Ipv4Address.Parse("192.0.2.9"), 1000, Ipv4Address.Parse("1.2.3.4"), 80);
        int node = _cluster.Service.Config.AllNodes.Single().Id;
        _cluster.Service.ConnectionsChanged([new ConnectionChange(flow, node, Ended: false) { TimeoutSeconds = 10 }]);
        _cluster.Conntrack.Connections.Add(new TrackedConnection(flow, node, IsClosing: false, TimeoutSeconds: 432_000));

        long now = Environment.TickCount64;
        using var refresh = new ExpiryRefreshLoop(_cluster.Service, _cluster.Conntrack, countStarted: now, countFinished: now);
        refresh.Start();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (ExpiresIn() < 400_000 && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.InRange(ExpiresIn(), 400_000, 432_000);
    }

    [Fact]
    public void AConnectionWhoseEndWasMissedStopsCountingAfterTwoDumps()
    {
        var live = new Flow(Flow.Tcp, Ipv4Address.Parse("192.0.2.9"), 1000, Ipv4Address.Parse("1.2.3.4"), 80);
        var missed = live with { SourcePort = 1001 };
        int node = _cluster.Service.Config.AllNodes.Single().Id;
        _cluster.Service.ConnectionsChanged([new ConnectionChange(live, node, Ended: false), new ConnectionChange(missed, node, Ended: false)]);
        _cluster.Conntrack.Connections.Add(new TrackedConnection(live, node, IsClosing: false, TimeoutSeconds: 300));

        long now = Environment.TickCount64;
        using var refresh = new ExpiryRefreshLoop(_cluster.Service, _cluster.Conntrack, countStarted: now, countFinished: now);
        refresh.Start();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Load() > 1 && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.InRange(Environment.TickCount64 - now, 2 * ExpiryRefreshLoop.MinimumPeriodMs, 60_000);
        Assert.Equal(1, Load());

        int Load() => _cluster.Service.Read((_, loads) => loads[node]);
    }

    [Fact]
    public void AFewConnectionsAreLookedUpWhereADumpWouldWalkALargeTable()
    {
        var flow = new Flow(Flow.Tcp, Ipv4Address.Parse("192.0.2.9"), 1000, Ipv4Address.Parse("1.2.3.4"), 80);
        var missed = flow with { SourcePort = 1001 };
        int node = _cluster.Service.Config.AllNodes.Single().Id;
        _cluster.Service.ConnectionsChanged([
            new ConnectionChange(flow, node, Ended: false) { TimeoutSeconds = 10 },
            new ConnectionChange(missed, node, Ended: false) { TimeoutSeconds = 10 }]);
        _cluster.Conntrack.Connections.Add(new TrackedConnection(flow, node, IsClosing: false, TimeoutSeconds: 432_000));

        long now = Environment.TickCount64;
        using var refresh = new ExpiryRefreshLoop(_cluster.Service, _cluster.Conntrack, countStarted: now - 100, countFinished: now); // a 100 ms dump
        refresh.Start();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Load() > 1 && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.Equal(1, Load()); // two lookups in a row found nothing of the missed one
        Assert.InRange(ExpiresIn(), 400_000, 432_000);
        Assert.Contains(flow, _cluster.Conntrack.LookedUp);

        int Load() => _cluster.Service.Read((_, loads) => loads[node]);
    }

    [Fact]
    public void AConnectionLookupsCannotNameHasTheTableDumped()
    {
        var echo = new Flow(1, Ipv4Address.Parse("192.0.2.9"), 0, Ipv4Address.Parse("1.2.3.4"), 0); // ICMP: no ports
        int node = _cluster.Service.Config.AllNodes.Single().Id;
        _cluster.Service.ConnectionsChanged([new ConnectionChange(echo, node, Ended: false) { TimeoutSeconds = 10 }]);
        _cluster.Conntrack.Connections.Add(new TrackedConnection(echo, node, IsClosing: false, TimeoutSeconds: 30));

        long now = Environment.TickCount64;
        using var refresh = new ExpiryRefreshLoop(_cluster.Service, _cluster.Conntrack, countStarted: now - 100, countFinished: now);
        refresh.Start();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (ExpiresIn() < 20 && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.InRange(ExpiresIn(), 20, 30);
        Assert.Empty(_cluster.Conntrack.LookedUp);
    }

    /// <summary>The seconds the one held connection has left, as clusterd holds them.</summary>
    private double ExpiresIn()
    {
        var page = new List<HeldConnection>();
        _cluster.Service.ConnectionsPage(0, _cluster.Service.LastConnection, page, room: 10);
        return (Assert.Single(page).ExpiresAt - Environment.TickCount64) / 1000.0;
    }

    public void Dispose() => _cluster.Dispose();
}
