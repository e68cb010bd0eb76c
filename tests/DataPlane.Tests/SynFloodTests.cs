using System.Diagnostics;
using TestSupport;
using Xunit.Abstractions;

namespace DataPlane.Tests;

/// <summary>
/// A spoofed SYN flood, far beyond what clusterd verdicts, on the service: what the queue cannot
/// take the kernel's fallback places, so legitimate clients keep getting through; the half-open
/// connections count as load only for the pending grace, not for conntrack's SYN timeouts; and
/// clusterd's memory stays bounded and is given back.
/// </summary>
public sealed class SynFloodTests(ITestOutputHelper output) : IDisposable
{
    private const int Held = 30, LegitimatePerSecond = 20;
    private readonly ClusterLab _cluster = new();

    [Fact]
    public void AShortFloodLeavesLegitimateClientsThroughAndLoadsTrue() => RideOut(seconds: 3, keptMegabytes: 30);

    [Fact]
    [Trait("Category", "Stress")]
    public void ATenSecondFloodLeavesLegitimateClientsThroughAndLoadsTrue() => RideOut(seconds: 10, keptMegabytes: 20);

    /// <param name="keptMegabytes">How much more clusterd may hold after the flood than before: a flood too small to
    /// end as one (<c>ConnectionTable</c>'s flood size) leaves the runtime's heap grown, not given back.</param>
    private void RideOut(double seconds, int keptMegabytes)
    {
        _cluster.SeedSetUp();
        var held = _cluster.Client.Open(Held);
        try
        {
            var truth = held.GroupBy(c => c.Node).ToDictionary(g => Lab.NodeAddress(int.Parse(g.Key["node".Length..])), g => g.Count());
            long before = _cluster.Daemon.ResidentKilobytes();
            long peak = before;
            using var sampling = new Timer(_ => { try { peak = Math.Max(peak, _cluster.Daemon.ResidentKilobytes()); } catch (IOException) { } }, null, 0, 100);
            var client = new SteadyClient(_cluster.Client, LegitimatePerSecond);
            long queuedBefore = QueuedSoFar(), ordinaryBefore = OrdinaryPacketsCounted();
            var flood = Stopwatch.StartNew();
            long sent = _cluster.Client.SynFlood(seconds, perSecond: 0);
            double rate = sent / flood.Elapsed.TotalSeconds;
            long queued = QueuedSoFar() - queuedBefore;
            var (made, waited, errors) = client.Finish();
            var afterFlood = Stopwatch.StartNew();
            var counts = _cluster.ConnectionsOnceSettled(c => truth.All(t => c.GetValueOrDefault(t.Key) == t.Value) && c.Values.Sum() == Held);
            var settled = afterFlood.Elapsed;
            sampling.Change(Timeout.Infinite, Timeout.Infinite);
            Thread.Sleep(TimeSpan.FromSeconds(3)); // let the runtime hand memory back
            long after = _cluster.Daemon.ResidentKilobytes();
            int tried = made + errors.Count;
            output.WriteLine($"{sent} spoofed SYNs in {seconds} s ({rate:F0}/s), {queued} of them and the legitimate ones queued to clusterd, " +
                             $"the rest placed by the kernel's fallback: legitimate {made} of {tried} connected, {waited} waited for a SYN retransmission, " +
                             $"{errors.Count} failed; loads true {settled.TotalSeconds:F1} s after the flood ({string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}); " +
                             $"RSS {before / 1024} MB before, {peak / 1024} MB at most, {after / 1024} MB 3 s after");
            Assert.True(made >= 0.95 * tried, $"only {made} of {tried} legitimate connections succeeded");
            Assert.True(tried - waited >= 0.95 * tried, $"{waited} of {tried} legitimate connections lost their first SYN");
            Assert.Equal(truth, counts.Where(c => c.Value > 0).ToDictionary());
            Assert.InRange(OrdinaryPacketsCounted() - ordinaryBefore, queued / 2, queued); // what clusterd decided, as clconfig -status --json shows it
            Assert.InRange(peak - before, long.MinValue, 50 * 1024);
            Assert.InRange(after - before, long.MinValue, keptMegabytes * 1024);
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
    }

    private long OrdinaryPacketsCounted()
    {
        var status = CommandRunner.Run(Binaries.Clconfig, ["-status", "--json"], _cluster.Daemon.ClientEnvironment);
        using var json = System.Text.Json.JsonDocument.Parse(status.Stdout);
        return json.RootElement.GetProperty("packets").GetProperty("ordinary").GetInt64();
    }

    /// <summary>How many packets the front-end's queue 0 has taken since it was bound (the packet id sequence of /proc/net/netfilter/nfnetlink_queue).</summary>
    private long QueuedSoFar()
    {
        var line = _cluster.Lab.Exec(_cluster.Lab.FrontEnd, "cat", "/proc/net/netfilter/nfnetlink_queue").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).First(f => f[0] == "0");
        return long.Parse(line[7]);
    }

    public void Dispose() => _cluster.Dispose();
}
