using System.Diagnostics;
using TestSupport;
using Xunit.Abstractions;

namespace DataPlane.Tests;

/// <summary>
/// Two active front-ends as ip_cluster-ha(7) "Active/active" sets them up, with the real daemons: each
/// announces the shared address over BGP (FRR, BFD 100 ms × 3) to a router spreading the flows by L4
/// hash, conntrackd multi-primary puts every connection into both kernels, the nodes reply through
/// the return address of the front-end that brought them the connection. New connections must
/// spread over both front-ends and, because both clusterds count every connection, evenly over the
/// nodes; when one front-end is cut off (BFD takes its path out, VRRP moves its return address) or
/// its clusterd dies (ip_cluster-announce withdraws its path), no connection may break, the other
/// front-end's own connections must stream on without a gap, and neither a moved stream nor new
/// connections may wait more than a second (the full-size variant; the short one, in make test,
/// allows three on a loaded machine) while its flows move to the other.
/// </summary>
public sealed class ActiveActiveTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    private readonly HaLab _lab = HaLab.Create(HaLab.Topology.ActiveActive);

    public enum Failure { LinksDown, ClusterdKilled }

    [Theory]
    [InlineData(Failure.LinksDown)]
    [InlineData(Failure.ClusterdKilled)]
    public void FewConnectionsSpreadAndSurviveAFrontEndsFailure(Failure failure) => SpreadAndFailOver(60, failure, longestWaitMs: 3000, survivorsWaitMs: 1000);

    [Theory]
    [Trait("Category", "Stress")]
    [InlineData(Failure.LinksDown)]
    [InlineData(Failure.ClusterdKilled)]
    public void ManyConnectionsSpreadAndSurviveAFrontEndsFailure(Failure failure) => SpreadAndFailOver(300, failure, longestWaitMs: 1000, survivorsWaitMs: 250);

    /// <param name="survivorsWaitMs">The longest a connection that came through fe1, the survivor, may wait: a stream echoes every 50 ms, so anything longer is a gap the failure caused, not the machine's scheduling.</param>
    private void SpreadAndFailOver(int held, Failure failure, int longestWaitMs, int survivorsWaitMs)
    {
        _lab.ConfigureBothAlike("up", "up", "up");
        Assert.True(HaLab.Eventually(() => _lab.RouterPaths().Count == 2, Settle), "the router never had both front-ends' paths\n" + _lab.Logs());
        foreach (int fe in new[] { 1, 2 }) CountSyns(fe);

        using var client = new FailoverClient(_lab, held);
        output.WriteLine($"{held} connections: {string.Join(", ", client.Ready)}; SYNs through fe1 {Syns(1)}, fe2 {Syns(2)}");
        Assert.True(Syns(1) > 0 && Syns(2) > 0, $"the router sent {Syns(1)} SYNs to fe1, {Syns(2)} to fe2");
        // One global least-load: both clusterds count every connection, the peer's through conntrackd.
        double even = held / 3.0;
        var perNode = client.Ready.Select(pair => int.Parse(pair.Split(' ')[1])).ToList();
        Assert.True(perNode.Count == 3 && perNode.All(count => Math.Abs(count - even) <= 2), $"per-node counts {string.Join(", ", client.Ready)}, not within 2 of {even:F1}\n" + _lab.Logs());
        foreach (int fe in new[] { 1, 2 })
            Assert.True(HaLab.Eventually(() => Counted(fe) == held, Settle), $"fe{fe}'s clusterd counts {Counted(fe)} of the {held} connections\n" + _lab.Logs());

        var (throughFe1, throughFe2) = (SynPorts(1), SynPorts(2));
        Assert.True(throughFe1.Count + throughFe2.Count == held, $"SYNs from {throughFe1.Count} ports reached fe1, from {throughFe2.Count} fe2, for {held} connections");

        client.Send("probe");
        Thread.Sleep(500);
        client.Report(); // the figures from here on
        var failed = Stopwatch.StartNew();
        if (failure == Failure.LinksDown) _lab.SetLinks(2, up: false);
        else _lab.Daemon(2).Kill();
        Assert.True(HaLab.Eventually(() => _lab.RouterPaths() is [1], TimeSpan.FromSeconds(10)), "the router kept fe2's path\n" + _lab.Logs());
        output.WriteLine($"fe2's path gone from the router {failed.ElapsedMilliseconds} ms after the failure ({failure})");
        if (failure == Failure.LinksDown)
        {
            Assert.True(HaLab.Eventually(() => HoldsReturnAddress(1, 2), TimeSpan.FromSeconds(10)), "fe1 never took fe2's return address\n" + _lab.Logs());
            output.WriteLine($"fe1 holds fe2's return address {failed.ElapsedMilliseconds} ms after the failure");
        }
        Thread.Sleep(1500);

        var result = client.Report();
        output.WriteLine($"failover: {result.Figures}");
        Assert.True(result.Broken == 0, $"{result.Broken} connections broke\n{result.Line}\n" + _lab.Logs());
        Assert.True(result.LongestGapMs <= longestWaitMs, $"a stream waited {result.LongestGapMs} ms\n{result.Line}");
        Assert.True(result.OutageMs <= longestWaitMs, $"no new connection got through for {result.OutageMs} ms\n{result.Line}");
        // The survivor's own connections never left it: they stream on as before the failure.
        var survivors = result.GapMsByPort.Where(gap => throughFe1.Contains(gap.Key)).Select(gap => gap.Value).ToList();
        output.WriteLine($"fe1's own {survivors.Count} connections: longest gap {survivors.DefaultIfEmpty(0).Max()} ms");
        Assert.True(survivors.Count == throughFe1.Count, $"the client reported {survivors.Count} of the {throughFe1.Count} connections that came through fe1\n{result.Line}");
        Assert.True(survivors.All(gap => gap <= survivorsWaitMs), $"a connection through fe1 waited {survivors.Max()} ms, more than {survivorsWaitMs}\n{result.Line}");
        client.Stop();
    }

    /// <summary>Counts the SYNs to the shared address that reach front-end <paramref name="fe"/> from the router.</summary>
    /// <remarks>The client ports of those SYNs are kept too (<see cref="SynPorts"/>): which connections came through it.</remarks>
    private void CountSyns(int fe) =>
        _lab.Must(_lab.Exec(_lab.FrontEnd(fe), "nft", "add table ip syns; add chain ip syns in { type filter hook prerouting priority raw; };"
            + " add set ip syns ports { type inet_service; flags dynamic; size 65535; };"
            + $" add rule ip syns in iif eth0 ip daddr {HaLab.SharedAddress} tcp dport 80 tcp flags & (syn|ack) == syn counter add @ports {{ tcp sport }}"));

    /// <summary>The client ports of the connections whose SYN reached front-end <paramref name="fe"/>.</summary>
    private HashSet<int> SynPorts(int fe)
    {
        string listed = _lab.Exec(_lab.FrontEnd(fe), "nft", "list set ip syns ports").Stdout;
        int elements = listed.IndexOf("elements = {", StringComparison.Ordinal);
        if (elements < 0) return [];
        string inside = listed[(elements + "elements = {".Length)..listed.IndexOf('}', elements)];
        return [.. inside.Split((char[])[',', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];
    }

    private int Syns(int fe)
    {
        var words = _lab.Exec(_lab.FrontEnd(fe), "nft", "list chain ip syns in").Stdout.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(words[Array.IndexOf(words, "packets") + 1]);
    }

    /// <summary>The connections front-end <paramref name="fe"/>'s clusterd counts on the nodes (clconfig -list's Conns column).</summary>
    private int Counted(int fe) =>
        _lab.Clconfig(fe, "-list").Stdout.Split('\n').Where(line => line.StartsWith("pool0 ", StringComparison.Ordinal))
            .Sum(line => int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]));

    /// <summary>True when front-end <paramref name="fe"/> holds the return address of front-end <paramref name="of"/> (10.0.0.20N).</summary>
    private bool HoldsReturnAddress(int fe, int of) =>
        _lab.Exec(_lab.FrontEnd(fe), "ip", "-4", "-o", "addr", "show", "dev", "eth1").Stdout.Contains($" 10.0.0.20{of}/", StringComparison.Ordinal);

    public void Dispose() => _lab.Dispose();
}
