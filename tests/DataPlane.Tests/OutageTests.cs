using System.Diagnostics;
using TestSupport;
using Xunit.Abstractions;

namespace DataPlane.Tests;

/// <summary>
/// New connections never wait on clusterd: killed, stopped, restarting or frozen, the queue rule
/// lets new connections past to the kernel's fallback hash, which sends them to a node that is up;
/// back, clusterd counts them from conntrack. Held connections never notice. With
/// <c>--fail-closed</c>, new connections wait for clusterd instead.
/// </summary>
public sealed class OutageTests(ITestOutputHelper output) : IDisposable
{
    private const int Held = 50, OpenedWhileAway = 6;

    /// <summary>
    /// How long the counts may take to be right after clusterd's return: on an idle machine they are
    /// within a second (the output says how long); the limit is generous for a loaded one, where
    /// conntrack's events of the client's short connections queue up, and where a connection whose
    /// end was missed stops counting only after two of the expiry dumps (a second apart at least).
    /// </summary>
    private static readonly TimeSpan CountsSettle = TimeSpan.FromSeconds(10);
    private ClusterLab? _cluster;

    private ClusterLab Cluster => _cluster ?? throw new InvalidOperationException("no lab");

    [Theory]
    [InlineData("kill", 1000)]
    [InlineData("kill", 3000)]
    [InlineData("term", 1000)]
    [InlineData("freeze", 5000)]
    public void NewConnectionsGoOnWhileClusterdIsAway(string how, int awayMs) => RideOut(how, awayMs, perSecond: 100);

    [Theory]
    [Trait("Category", "Stress")]
    [InlineData("kill", 1000)]
    [InlineData("kill", 10000)]
    [InlineData("term", 1000)]
    [InlineData("term", 10000)]
    [InlineData("freeze", 5000)]
    public void NewConnectionsGoOnWhileClusterdIsAwayAtFullRate(string how, int awayMs) => RideOut(how, awayMs, perSecond: 200);

    [Fact]
    public void FailClosedNewConnectionsWaitForClusterd()
    {
        _cluster = new ClusterLab(daemonArgs: ["--fail-closed"]);
        Cluster.SeedSetUp();
        Cluster.Daemon.Kill();
        var (connection, error) = Cluster.Client.TryConnect(LabClient.Service, TimeSpan.FromMilliseconds(700));
        connection?.Dispose();
        Assert.Equal(System.Net.Sockets.SocketError.TimedOut, error); // the SYN was dropped; its retransmission comes after 1 s
        Cluster.Daemon.Start();
        Assert.Single(Cluster.Client.Open(1));
    }

    /// <summary>
    /// Held connections stream, a client opens new ones at <paramref name="perSecond"/>, while
    /// clusterd is away <paramref name="awayMs"/> ms as <paramref name="how"/> says; a few held
    /// connections are opened while it is away too. None may fail, and the counts must be right soon
    /// after its return.
    /// </summary>
    private void RideOut(string how, int awayMs, int perSecond)
    {
        _cluster = new ClusterLab();
        Cluster.SeedSetUp();
        var held = Cluster.Client.Open(Held);
        var openedAway = new List<HeldConnection>();
        try
        {
            TimeSpan quiet;
            using (var undisturbed = new Streaming(held))
            {
                Thread.Sleep(1000);
                quiet = undisturbed.Finish(); // what this machine's scheduling alone costs
            }
            using var streaming = new Streaming(held);
            using var client = new SteadyClient(Cluster.Client, perSecond);
            Thread.Sleep(500);
            var away = Stopwatch.StartNew();
            Leave(how);
            Thread.Sleep(Math.Min(awayMs, 2000)); // when frozen, the queue has long overflowed by now
            openedAway = Cluster.Client.Open(OpenedWhileAway);
            var remaining = TimeSpan.FromMilliseconds(awayMs) - away.Elapsed;
            if (remaining > TimeSpan.Zero) Thread.Sleep(remaining);
            Return(how);
            var back = Stopwatch.StartNew();
            var expected = held.Concat(openedAway).GroupBy(c => c.Node).ToDictionary(g => NodeAddress(g.Key), g => g.Count());
            Dictionary<string, int> counts;
            bool right;
            do
            {
                int underWay = client.UnderWay;
                counts = Cluster.Connections();
                right = CountsRight(counts, expected, Math.Max(underWay, client.UnderWay));
            }
            while (!right && back.Elapsed < CountsSettle);
            var countedAfter = back.Elapsed;
            Thread.Sleep(500);
            var (made, waited, errors) = client.Finish();
            var gap = streaming.Finish();
            output.WriteLine($"{how} for {awayMs} ms at {perSecond}/s: {made} new connections, {errors.Count} failed ({string.Join(", ", errors)}), " +
                             $"{waited} waited for a SYN retransmission; held: longest gap {gap.TotalMilliseconds:F0} ms; " +
                             $"counts right {countedAfter.TotalMilliseconds:F0} ms after the return: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}");
            Assert.Empty(errors);
            Assert.True(right, $"counts {string.Join(", ", counts)} against held {string.Join(", ", expected)}\nclusterd log:\n{Cluster.Daemon.Log}");
            Assert.True(gap < TimeSpan.FromSeconds(1) + 2 * quiet, $"held connections stalled for {gap.TotalMilliseconds:F0} ms ({quiet.TotalMilliseconds:F0} ms undisturbed)");
        }
        finally
        {
            held.ForEach(c => c.Dispose());
            openedAway.ForEach(c => c.Dispose());
        }
    }

    private static string NodeAddress(string node) => Lab.NodeAddress(int.Parse(node["node".Length..]));

    /// <summary>
    /// Every held connection counted on its node, and on top at most the short connections the
    /// client had under way (and two whose close conntrack may not have reported yet).
    /// </summary>
    private static bool CountsRight(Dictionary<string, int> counts, Dictionary<string, int> held, int underWay) =>
        counts.All(c => c.Value >= held.GetValueOrDefault(c.Key))
        && counts.Sum(c => c.Value - held.GetValueOrDefault(c.Key)) <= underWay + 2;

    private void Leave(string how)
    {
        switch (how)
        {
            case "kill": Cluster.Daemon.Kill(); break;
            case "term": Assert.Equal(0, Cluster.Daemon.Stop()); break;
            case "freeze": Signals.Send(Cluster.Daemon.Pid, Signals.SIGSTOP); break;
            default: throw new ArgumentOutOfRangeException(nameof(how));
        }
    }

    private void Return(string how)
    {
        if (how == "freeze") Signals.Send(Cluster.Daemon.Pid, Signals.SIGCONT);
        else Cluster.Daemon.Start();
    }

    public void Dispose()
    {
        if (_cluster is { } cluster && !cluster.Daemon.HasExited) Signals.Send(cluster.Daemon.Pid, Signals.SIGCONT);
        _cluster?.Dispose();
    }
}
