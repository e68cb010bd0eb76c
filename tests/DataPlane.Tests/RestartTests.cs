using System.Diagnostics;
using System.Net.Sockets;
using TestSupport;
using Xunit.Abstractions;

namespace DataPlane.Tests;

/// <summary>
/// A stop or restart of clusterd leaves the kernel forwarding: established connections never
/// notice, new ones are never refused (OutageTests: not even while it is away), and only <c>clusterd --cleanup</c> takes everything away
/// — leaving the front-end's routing, firewall and sysctls exactly as they were before.
/// </summary>
public sealed class RestartTests(ITestOutputHelper output) : IDisposable
{
    private readonly ClusterLab _cluster = new();

    private string FrontEnd(params string[] command) => _cluster.Lab.Exec(_cluster.Lab.FrontEnd, command).Stdout;

    private string Routing() => FrontEnd("ip", "rule") + FrontEnd("ip", "-4", "route", "show", "table", "all");

    private string Sysctls() => FrontEnd("sysctl", "net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter",
        "net.ipv4.conf.all.accept_local", "net.ipv4.conf.all.src_valid_mark");

    [Theory]
    [InlineData("route")]
    [InlineData("masq")]
    public void HeldConnectionsStreamOnThroughARestart(string method)
    {
        _cluster.SeedSetUp();
        _cluster.Clconfig("-forward", "pool0", method);
        var connections = _cluster.Client.Open(50);
        try
        {
            TimeSpan quiet;
            using (var undisturbed = new Streaming(connections))
            {
                Thread.Sleep(1400);
                quiet = undisturbed.Finish(); // what this machine's scheduling alone costs
            }
            using var streaming = new Streaming(connections);
            Thread.Sleep(200);
            Assert.Equal(0, _cluster.Daemon.Stop());
            Thread.Sleep(1000);
            _cluster.Daemon.Start();
            Thread.Sleep(200);
            var gap = streaming.Finish();
            output.WriteLine($"{method}: longest gap between two echoes of one connection: {gap.TotalMilliseconds:F0} ms across a 1 s restart, {quiet.TotalMilliseconds:F0} ms undisturbed");
            Assert.True(gap < TimeSpan.FromSeconds(1), $"connections stalled for {gap.TotalMilliseconds:F0} ms");
            Assert.Equal(50, _cluster.Connections().Values.Sum());
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void NewConnectionsAcrossRestartsAreNeverRefused()
    {
        _cluster.SeedSetUp();
        var errors = new List<SocketError>();
        int made = 0, restarts = 0;
        var clock = Stopwatch.StartNew();
        bool stopping = false;
        var client = new Thread(() =>
        {
            while (!Volatile.Read(ref stopping))
            {
                SocketError error;
                try
                {
                    (var connection, error) = _cluster.Client.TryConnect(LabClient.Service, TimeSpan.FromSeconds(10));
                    connection?.Dispose();
                }
                catch (Exception) // anything else is a failure too, and must not take the test host down
                {
                    error = SocketError.SocketError;
                }
                if (error == SocketError.Success) made++;
                else lock (errors) errors.Add(error);
                Thread.Sleep(5); // about 200 new connections a second
            }
        });
        client.Start();
        for (; restarts < 5; restarts++)
        {
            Thread.Sleep(300);
            Assert.Equal(0, _cluster.Daemon.Stop());
            _cluster.Daemon.Start();
        }
        Thread.Sleep(300);
        Volatile.Write(ref stopping, true);
        client.Join();
        output.WriteLine($"{made} connections in {clock.Elapsed.TotalSeconds:F1} s across {restarts} restarts; failures: {string.Join(", ", errors)}");
        Assert.Empty(errors);
    }

    [Fact]
    public void RestartsAdoptWhatIsThereAndCleanupRestoresTheFrontEnd()
    {
        _cluster.Daemon.Kill();
        _cluster.Daemon.Cleanup(); // the lab's own state, before clusterd ever ran
        string routingBefore = Routing(), sysctlsBefore = Sysctls();
        _cluster.Daemon.Start();
        _cluster.SeedSetUp();
        _cluster.Client.Open(3).ForEach(c => c.Dispose());
        string routingRunning = Routing(), rulesetRunning = Rules();
        Assert.Contains("fwmark 0x40000000/0xc0000000 goto 10000", routingRunning);

        Assert.Equal(0, _cluster.Daemon.Stop());
        Assert.Equal(routingRunning, Routing());
        _cluster.Daemon.Start();
        _cluster.Daemon.Kill();
        _cluster.Daemon.Start();
        Assert.Equal(routingRunning, Routing()); // adopted, nothing added twice
        Assert.Equal(rulesetRunning, Rules());

        Assert.Contains("stop it before --cleanup", _cluster.Daemon.Cleanup().Stderr);
        Assert.Equal(0, _cluster.Daemon.Stop());
        var cleanup = _cluster.Daemon.Cleanup();
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        Assert.Equal(routingBefore, Routing());
        Assert.Equal(sysctlsBefore, Sysctls());
        Assert.Equal("", FrontEnd("nft", "list", "ruleset"));
    }

    /// <summary>The front-end's ruleset without its counters (nft -s): the closed connections' last packets may still be counted meanwhile.</summary>
    private string Rules() => FrontEnd("nft", "-s", "list", "ruleset");

    [Fact]
    public void UnroutableNodesGetOneRuleEachHoweverOftenTheConfigurationChanges()
    {
        for (int i = 1; i <= 20; i++) _cluster.Clconfig("-add", "pool0", $"10.9.9.{i}"); // no route to 10.9.9.0/24
        for (int change = 0; change < 30; change++) _cluster.Clconfig("-set", "pool0", "10.9.9.1", "cost", (change + 1).ToString());
        var rules = FrontEnd("ip", "rule").Split('\n').Where(line => line.Contains("lookup 10737418")).ToList(); // tables 0x40000001…
        Assert.Equal(20, rules.Count);
        Assert.Equal(20, rules.Distinct().Count());
    }

    public void Dispose() => _cluster.Dispose();
}
