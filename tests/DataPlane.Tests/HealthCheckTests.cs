using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using TestSupport;
using Xunit.Abstractions;

namespace DataPlane.Tests;

/// <summary>
/// Active health checks against real nodes: a node whose server dies, or whose link goes down, is
/// failed within 2 s with only <c>-check POOL tcp PORT</c> given, takes no new connections while the
/// others keep theirs, and returns when it answers again; the shared-address check catches a route
/// node without the shared address that a check of its private address passes.
/// </summary>
public sealed partial class HealthCheckTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Detection = TimeSpan.FromSeconds(2);

    private readonly ClusterLab _cluster = new();

    private Lab Lab => _cluster.Lab;

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex PidPattern();

    /// <summary>The node's state word and health (null when unchecked) from <c>clconfig -list --json</c>.</summary>
    private (string State, JsonElement? Health) NodeStatus(string address)
    {
        var listing = CommandRunner.Run(Binaries.Clconfig, ["-list", "--json"], _cluster.Daemon.ClientEnvironment);
        using var json = JsonDocument.Parse(listing.Stdout);
        var node = json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("node").GetString() == address);
        return (node.GetProperty("state").GetString()!, node.TryGetProperty("health", out var health) ? health.Clone() : null);
    }

    /// <summary>Waits (up to 10 s) for the node to show <paramref name="state"/>; returns when clusterd says it changed.</summary>
    private DateTime AwaitState(string address, string state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var status = NodeStatus(address);
        while (status.State != state && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
            status = NodeStatus(address);
        }
        Assert.True(status.State == state, $"{address} is {status.State}, not {state}: {status.Health}\n{_cluster.Daemon.Log}");
        return status.Health!.Value.GetProperty("changed").GetDateTime().ToUniversalTime();
    }

    /// <summary>Ends node <paramref name="i"/>'s greeter (by its pid, found by the port it listens on).</summary>
    private void KillServer(int i)
    {
        string listening = Lab.Exec(Lab.Node(i), "ss", "-Hltnp", "sport = :80").Stdout;
        int pid = int.Parse(PidPattern().Match(listening).Groups[1].Value);
        using var greeter = Process.GetProcessById(pid);
        greeter.Kill();
        greeter.WaitForExit();
    }

    private void Record(string what, TimeSpan took) => output.WriteLine($"{what}: detected after {took.TotalMilliseconds:F0} ms");

    [Theory]
    [InlineData("server killed", "route")]
    [InlineData("link down", "route")]
    [InlineData("server killed", "masq")]
    public void ADeadNodeIsFailedWithinTwoSecondsAndTakesNothingNewUntilItAnswersAgain(string failure, string method)
    {
        _cluster.Clconfig("-forward", "pool0", method);
        _cluster.SeedSetUp();
        _cluster.Clconfig("-check", "pool0", "tcp", "80");
        var held = _cluster.Client.Open(30);
        try
        {
            Assert.Equal("up", NodeStatus("10.0.0.2").State);
            var failedAt = DateTime.UtcNow;
            if (failure == "server killed") KillServer(2);
            else Lab.Exec($"{Lab.Prefix}-sw", "ip", "link", "set", "n2", "down");
            var detected = AwaitState("10.0.0.2", "failed") - failedAt;
            Record($"{failure} ({method})", detected);
            Assert.True(detected <= Detection, $"{failure}: detected after {detected}");

            var after = _cluster.Client.Open(30);
            Assert.DoesNotContain(after, c => c.Node == "node2");
            after.ForEach(c => c.Dispose());
            Assert.All(held.Where(c => c.Node != "node2"), c => c.Exchange("untouched"));

            if (failure == "server killed") Lab.StartGreeter(Lab.Node(2), 80, "node2").Dispose();
            else Lab.Exec($"{Lab.Prefix}-sw", "ip", "link", "set", "n2", "up");
            AwaitState("10.0.0.2", "up");
            var back = _cluster.Client.Open(12);
            Assert.Contains(back, c => c.Node == "node2");
            back.ForEach(c => c.Dispose());
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void UnderTrafficConnectionsRefusedAtTheHandshakeFailANodeBeforeTheNextProbe()
    {
        _cluster.SeedSetUp();
        _cluster.Clconfig("-check", "pool0", "tcp", "80", "interval", "20000"); // one probe now, the next long after the test
        Thread.Sleep(300);
        var failedAt = DateTime.UtcNow;
        KillServer(2);
        int refused = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (NodeStatus("10.0.0.2").State != "failed" && DateTime.UtcNow < deadline)
        {
            for (int i = 0; i < 6; i++)
            {
                var (connection, error) = _cluster.Client.TryConnect(LabClient.Service, TimeSpan.FromSeconds(2));
                connection?.Dispose();
                if (error == System.Net.Sockets.SocketError.ConnectionRefused) refused++;
            }
        }
        var detected = AwaitState("10.0.0.2", "failed") - failedAt;
        Record("server killed, under traffic, passive", detected);
        Assert.True(detected <= Detection, $"detected after {detected}");
        Assert.Contains("handshake", NodeStatus("10.0.0.2").Health!.Value.GetProperty("result").GetString());
        Assert.InRange(refused, 2, 10);

        var after = Enumerable.Range(0, 12).Select(_ => _cluster.Client.TryConnect(LabClient.Service, TimeSpan.FromSeconds(2))).ToList();
        after.ForEach(a => a.Connection?.Dispose());
        Assert.All(after, a => Assert.Equal(System.Net.Sockets.SocketError.Success, a.Error));
    }

    /// <summary>
    /// A node whose link is down leaves the SYNs of new connections unanswered: they fail it, long
    /// before the next probe (20 s away). The timing is asserted by the stress variant.
    /// </summary>
    [Fact]
    public async Task UnderTrafficConnectionsLeftUnansweredFailANodeBeforeTheNextProbe() => await FailByUnansweredSyns();

    [Fact]
    [Trait("Category", "Stress")]
    public async Task UnderTrafficConnectionsLeftUnansweredFailANodeWithinTwoSeconds()
    {
        var detected = await FailByUnansweredSyns();
        Assert.True(detected <= Detection, $"detected after {detected}");
    }

    /// <summary>Takes node 2's link down while six connections are attempted at once; returns how long until clusterd failed it.</summary>
    private async Task<TimeSpan> FailByUnansweredSyns()
    {
        _cluster.SeedSetUp();
        _cluster.Clconfig("-check", "pool0", "tcp", "80", "interval", "20000");
        Thread.Sleep(300);
        var failedAt = DateTime.UtcNow;
        Lab.Exec($"{Lab.Prefix}-sw", "ip", "link", "set", "n2", "down");
        // A thread of its own for each attempt, not the thread pool's: an attempt blocks its thread
        // for up to 4 s, and on a cold pool the later ones would wait for the pool to grow (half a
        // second a thread, more on a loaded machine), so node 2 got its second SYN seconds late.
        var attempts = Enumerable.Range(0, 6)
            .Select(_ => Task.Factory.StartNew(() => _cluster.Client.TryConnect(LabClient.Service, TimeSpan.FromSeconds(4)), TaskCreationOptions.LongRunning))
            .ToArray();
        var detected = AwaitState("10.0.0.2", "failed") - failedAt;
        foreach (var (connection, _) in await Task.WhenAll(attempts)) connection?.Dispose();
        Record("link down, under traffic, passive", detected);
        Assert.Contains("no answer to the SYN", NodeStatus("10.0.0.2").Health!.Value.GetProperty("result").GetString());
        return detected;
    }

    [Fact]
    public void ARouteNodeWithoutTheSharedAddressFailsTheSharedCheckButPassesAPlainOne()
    {
        _cluster.SeedSetUp();
        _cluster.Clconfig("-check", "pool0", "shared", "80");
        Thread.Sleep(1500); // several rounds of probes
        Assert.All(Enumerable.Range(1, 3), i => Assert.Equal("up", NodeStatus(Lab.NodeAddress(i)).State));
        Assert.True(NodeStatus("10.0.0.2").Health!.Value.GetProperty("passed").GetBoolean());

        Lab.Exec(Lab.Node(2), "ip", "addr", "del", Lab.SharedAddress + "/32", "dev", "lo");
        AwaitState("10.0.0.2", "failed");
        Assert.Equal("up", NodeStatus("10.0.0.1").State);
        var connections = _cluster.Client.Open(6);
        Assert.DoesNotContain(connections, c => c.Node == "node2");
        connections.ForEach(c => c.Dispose());

        _cluster.Clconfig("-check", "pool0", "10.0.0.2", "tcp", "80"); // its private address still answers
        AwaitState("10.0.0.2", "up");
    }

    public void Dispose() => _cluster.Dispose();
}
