using System.Diagnostics;
using TestSupport;
using Xunit.Abstractions;

namespace DataPlane.Tests;

/// <summary>
/// Two front-ends as ip_cluster-ha(7) sets them up — keepalived (VRRP, the outside and the nodes'
/// gateway address in one sync group, a track script on clconfig -ping), conntrackd FTFW over a
/// dedicated link, the notify script committing synced connections — with the real daemons. The
/// master fails while 100 connections stream through it: none may break, no stream may wait more
/// than a second, new connections must get through within a second (the full-size variant; the
/// short one, in make test, holds 30 and allows three seconds on a loaded machine), and the
/// survivor's clusterd must count the connections it took over, so new ones balance against them.
/// Then the first front-end comes back and takes over again, with the same guarantees.
/// </summary>
public sealed class ActiveBackupTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    private readonly HaLab _lab = HaLab.Create();

    public enum Failure { KeepalivedKilled, ClusterdKilled, LinksDown }

    /// <summary>The short variant, in make test: 30 held connections, and three seconds' allowance for a loaded machine.</summary>
    [Theory]
    [InlineData(Failure.KeepalivedKilled)]
    [InlineData(Failure.ClusterdKilled)]
    [InlineData(Failure.LinksDown)]
    public void FewConnectionsSurviveTheMastersFailureAndFailback(Failure failure) => FailOverAndBack(30, failure, longestWaitMs: 3000);

    /// <summary>
    /// The full size, in make stress (15–45 s a case). On this machine (2 cores) every failover kept
    /// all 100 connections, with the longest stream gap 0.1–0.45 s and the survivor's counts right.
    /// Failback used to break 1 to 56 held connections in about half the runs: a node's reply reaching
    /// fe1 before conntrackd's commit began an entry the wrong way round (now dropped, see
    /// <c>ClusterTable.Fill</c>). One case in 50 or so still reported one broken connection, which
    /// was the client's own count: a stream whose pause ended just as the stop came was taken for broken.
    /// </summary>
    [Theory]
    [Trait("Category", "Stress")]
    [InlineData(Failure.KeepalivedKilled)]
    [InlineData(Failure.ClusterdKilled)]
    [InlineData(Failure.LinksDown)]
    public void HeldConnectionsSurviveTheMastersFailureAndFailback(Failure failure) => FailOverAndBack(100, failure, longestWaitMs: 1000);

    /// <param name="held">Connections held through fe1, and as many opened through fe2 after the failover.</param>
    private void FailOverAndBack(int held, Failure failure, int longestWaitMs)
    {
        // Node 3 is down while the held connections open, so they sit on nodes 1 and 2 only.
        _lab.ConfigureBothAlike("up", "up", "down");
        Assert.True(HaLab.Eventually(() => _lab.HoldsOutsideAddress(1) && !_lab.HoldsOutsideAddress(2), Settle), "fe1 never became master\n" + _lab.Logs());

        using var client = new FailoverClient(_lab, held);
        Assert.Equal([$"node1 {held / 2}", $"node2 {held / 2}"], client.Ready);
        foreach (int fe in new[] { 1, 2 }) _lab.Must(_lab.Clconfig(fe, "-set", "pool0", HaLab.NodeAddress(3), "up"));
        Assert.Equal(Digest(1), Digest(2));
        Assert.True(HaLab.Eventually(() => SyncedToPeer(2) >= held, Settle), $"fe2's conntrackd holds {SyncedToPeer(2)} of the connections\n" + _lab.Logs());

        client.Send("probe");
        Thread.Sleep(500);
        var failed = Stopwatch.StartNew();
        Fail(failure);
        Assert.True(HaLab.Eventually(() => _lab.HoldsOutsideAddress(2), TimeSpan.FromSeconds(10)), "fe2 never took over\n" + _lab.Logs());
        output.WriteLine($"fe2 holds the address {failed.ElapsedMilliseconds} ms after the failure ({failure})");
        // A killed keepalived leaves its addresses configured, answering ARP beside the new master's
        // until a restarted one removes them: its supervisor (systemd's Restart=) restarts it at once.
        if (failure == Failure.KeepalivedKilled) _lab.StartKeepalived(1);
        Thread.Sleep(1500);
        AssertUnbroken("failover", client.Report(), longestWaitMs);

        // fe2 counts the connections it took over (half on node 1, half on node 2), so new ones go to node 3 first.
        var opened = client.Open(held);
        var totals = Enumerable.Range(1, 3).Select(n => (n < 3 ? held / 2 : 0) + opened.GetValueOrDefault($"node{n}")).ToList();
        output.WriteLine($"opened through fe2: {string.Join(", ", opened.Select(o => $"{o.Key} {o.Value}"))}");
        double even = 2 * held / 3.0;
        Assert.True(totals.All(t => Math.Abs(t - even) <= 2), $"per-node totals {string.Join("/", totals)}, not within 2 of {even:F1}\n" + _lab.Logs());

        client.Send("probe");
        Recover(failure);
        Assert.True(HaLab.Eventually(() => _lab.HoldsOutsideAddress(1) && !_lab.HoldsOutsideAddress(2), Settle), "fe1 never took back over\n" + _lab.Logs());
        Thread.Sleep(2000);
        AssertUnbroken("failback", client.Stop(), longestWaitMs);
    }

    private void AssertUnbroken(string stage, FailoverClient.Result result, int longestWaitMs)
    {
        output.WriteLine($"{stage}: {result.Figures}");
        Assert.True(result.Broken == 0, $"{stage}: {result.Broken} connections broke\n{result.Line}\n" + BrokenEntries(result.Line) + Kernels() + _lab.Logs());
        Assert.True(result.LongestGapMs <= longestWaitMs, $"{stage}: a stream waited {result.LongestGapMs} ms\n{result.Line}");
        Assert.True(result.OutageMs <= longestWaitMs, $"{stage}: no new connection got through for {result.OutageMs} ms\n{result.Line}");
    }

    private string Digest(int fe) => _lab.Clconfig(fe, "-ping").Stdout.Split(' ')[^1].Trim();

    /// <summary>Connections to the shared address in front-end <paramref name="fe"/>'s conntrackd external cache (its peer's, synced).</summary>
    private int SyncedToPeer(int fe) =>
        _lab.Exec(_lab.FrontEnd(fe), "conntrackd", "-C", $"{_lab.FrontEndDirectory(fe)}/conntrackd.conf", "-e").Stdout
            .Split('\n').Count(line => line.Contains($"dst={HaLab.SharedAddress} ") && line.Contains("ESTABLISHED"));

    private void Fail(Failure failure)
    {
        switch (failure)
        {
            case Failure.KeepalivedKilled: _lab.KillKeepalived(1); break;
            case Failure.ClusterdKilled: _lab.Daemon(1).Kill(); break;
            case Failure.LinksDown: _lab.SetLinks(1, up: false); break;
        }
    }

    private void Recover(Failure failure)
    {
        switch (failure)
        {
            case Failure.KeepalivedKilled: break; // restarted already; it takes over once its preempt_delay is over
            case Failure.ClusterdKilled: _lab.Daemon(1).Start(); break;
            case Failure.LinksDown: _lab.SetLinks(1, up: true); break;
        }
    }

    /// <summary>Both front-ends' conntrack entries of the broken connections (the client's ports, from the result line): for a failure's message.</summary>
    private string BrokenEntries(string resultLine)
    {
        var ports = resultLine.Split("broken_ports ", 2).ElementAtOrDefault(1)?.Split(' ')[0].Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return string.Concat(ports.Take(5).SelectMany(port => Enumerable.Range(1, 2).Select(fe =>
            $"--- fe{fe}, the broken connection from port {port}\n" + _lab.Exec(_lab.FrontEnd(fe), "conntrack", "-L", "-p", "tcp", "--sport", port).Stdout)));
    }

    /// <summary>Both front-ends' conntrack entries of the shared address and statistics: for a failure's message.</summary>
    private string Kernels() => string.Concat(Enumerable.Range(1, 2).Select(fe =>
        $"--- fe{fe} conntrack\n" + string.Join('\n', _lab.Exec(_lab.FrontEnd(fe), "conntrack", "-L", "-d", HaLab.SharedAddress).Stdout.Split('\n').Take(12))
        + $"\n--- fe{fe} entries begun by a node's packet\n" + _lab.Exec(_lab.FrontEnd(fe), "conntrack", "-L", "-s", HaLab.SharedAddress).Stdout
        + "\n" + _lab.Exec(_lab.FrontEnd(fe), "conntrack", "-S").Stdout + _lab.Exec(_lab.FrontEnd(fe), "ip", "neigh").Stdout
        + _lab.Exec(_lab.FrontEnd(fe), "ip", "-br", "link").Stdout))
        + string.Concat(Enumerable.Range(1, _lab.Nodes).Select(n => $"--- node{n} neighbours\n" + _lab.Exec($"{_lab.Prefix}-n{n}", "ip", "neigh").Stdout));

    public void Dispose() => _lab.Dispose();
}
