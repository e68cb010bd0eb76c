using System.Globalization;
using TestSupport;

namespace DataPlane.Tests;

/// <summary>
/// What an operator watches, against real traffic in a lab: a real Prometheus scraping clusterd's
/// metrics, <c>clconfig -rate</c> against a paced load generator, and <c>clconfig -watch</c> in a
/// real terminal (tmux).
/// </summary>
public sealed class ObservabilityTests
{
    private const string MetricsAddress = "127.0.0.1:9469";

    [Fact]
    public void PrometheusScrapesNodesVerdictsAndChanges()
    {
        using var cluster = new ClusterLab(daemonArgs: ["--metrics", MetricsAddress]);
        cluster.SeedSetUp();
        using var prometheus = new PrometheusServer(cluster.Lab, cluster.Lab.FrontEnd, MetricsAddress);
        var held = cluster.Client.Open(30);
        try
        {
            Assert.Equal(30, prometheus.WaitFor("sum(ip_cluster_node_active_connections)", v => v == 30));
            Assert.Equal(10, prometheus.WaitFor("ip_cluster_node_active_connections{pool=\"pool0\",node=\"10.0.0.2\"}", v => v == 10));
            Assert.Equal(30, prometheus.WaitFor("sum(ip_cluster_node_connections_total)", v => v == 30));
            Assert.Equal(30, prometheus.WaitFor("sum(ip_cluster_queue_verdicts_total{verdict=\"accept\"})", v => v == 30));
            Assert.Equal(30, prometheus.WaitFor("ip_cluster_packets_total{kind=\"ordinary\"}", v => v == 30));
            Assert.Equal(30, prometheus.WaitFor("sum(ip_cluster_verdict_latency_seconds_count)", v => v == 30)); // with --metrics the kernel timestamps every packet
            Assert.InRange(prometheus.Query("sum(ip_cluster_verdict_latency_seconds_sum)"), 1e-6, 30 * 1.0);
            Assert.Equal(3, prometheus.WaitFor("sum(ip_cluster_node_state{state=\"up\"})", v => v == 3));
            Assert.Equal(4, prometheus.WaitFor("ip_cluster_config_changes_total", v => v == 4)); // three nodes, one cluster rule
            Assert.Equal(0, prometheus.WaitFor("sum(ip_cluster_queue_kernel_dropped_total)", v => v == 0));
            Assert.Equal(0, prometheus.WaitFor("ip_cluster_conntrack_event_overruns_total", v => v == 0));
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
        Assert.Equal(0, prometheus.WaitFor("sum(ip_cluster_node_active_connections)", v => v == 0));

        for (int i = 1; i <= 3; i++) cluster.Clconfig("-set", "pool0", Lab.NodeAddress(i), "down");
        Assert.Equal(1, prometheus.WaitFor("ip_cluster_node_state{node=\"10.0.0.3\",state=\"down\"}", v => v == 1));
        var (refused, _) = cluster.Client.TryConnect(LabClient.Service, TimeSpan.FromSeconds(1)); // no node up: the first packet is dropped
        refused?.Dispose();
        Assert.True(prometheus.WaitFor("sum(ip_cluster_queue_verdicts_total{verdict=\"drop\"})", v => v >= 1) >= 1, "no dropped verdict seen");
        Assert.True(prometheus.WaitFor("ip_cluster_packets_total{kind=\"droppedNoNode\"}", v => v >= 1) >= 1, "no drop for want of a node seen");
        Assert.Contains("uid 0: pool pool0 node 10.0.0.3 up -> down", cluster.Daemon.Log);
    }

    [Fact]
    public async Task RateMatchesThePaceOfTheLoadGenerator()
    {
        const int PerSecond = 200;
        using var cluster = new ClusterLab();
        cluster.SeedSetUp();
        var flood = Task.Run(() => cluster.Lab.Exec(cluster.Lab.Client, Binaries.Path("bench/Bench", "ipc-bench"),
            "udp-flood", Lab.SharedAddress, "192.0.2.0", "8", PerSecond.ToString(CultureInfo.InvariantCulture)));
        await Task.Delay(TimeSpan.FromSeconds(6)); // the rate covers the last 3 to 4 seconds: all of them at the generator's pace
        var rate = CommandRunner.Run(Binaries.Clconfig, ["-rate"], cluster.Daemon.ClientEnvironment);
        var sent = await flood;

        Assert.True(rate.ExitCode == 0 && sent.ExitCode == 0, rate + "\n" + sent);
        var lines = rate.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Pool   Node            State       CPS  Conns      Total", lines[0]);
        double total = lines.Skip(1).Sum(line => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3], CultureInfo.InvariantCulture));
        Assert.InRange(total, PerSecond * 0.9, PerSecond * 1.1);
    }

    [Fact]
    public void TheLiveViewShowsConnectionsAsTheyComeAndQuitsOnQOrCtrlC()
    {
        using var cluster = new ClusterLab();
        cluster.SeedSetUp();
        string watch = $"env CLUSTERD_SOCKET={cluster.Daemon.SocketPath} {Binaries.Clconfig} -watch; echo watch exited $?; sleep 60";
        using var terminal = new TmuxTerminal(cluster.Daemon.Directory, "q");
        terminal.Start(watch);
        string screen = terminal.WaitForScreen(s => s.Contains("3 nodes  0 connections"));
        Assert.Contains("Pool   Node            State    Active connections         Conns   Conn/s", screen);
        Assert.All(screen.Split('\n'), line => Assert.True(line.TrimEnd().Length <= 80, line));

        var held = cluster.Client.Open(12);
        try
        {
            screen = terminal.WaitForScreen(s => s.Contains("3 nodes  12 connections"));
            Assert.Matches(@"pool0  10\.0\.0\.1        up       #{24}       4 ", screen);
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }

        terminal.Press("q");
        screen = terminal.WaitForScreen(s => s.Contains("watch exited 0"));
        Assert.DoesNotContain("Active connections", screen); // the alternate screen is gone: the terminal is as it was

        using var second = new TmuxTerminal(cluster.Daemon.Directory, "ctrl-c");
        second.Start(watch);
        second.WaitForScreen(s => s.Contains("3 nodes  0 connections"));
        second.Press("C-c");
        Assert.DoesNotContain("Active connections", second.WaitForScreen(s => s.Contains("watch exited 0")));
    }

    /// <summary>A detached tmux server of its own (socket <paramref name="name"/> in <paramref name="directory"/>) with one 80×24 window; killed on dispose.</summary>
    private sealed class TmuxTerminal(string directory, string name) : IDisposable
    {
        private readonly string _socket = Path.Combine(directory, $"tmux-{name}.sock");

        public void Start(string command) =>
            Must(Tmux("new-session", "-d", "-s", "watch", "-x", "80", "-y", "24", command));

        public string Screen() => Tmux("capture-pane", "-p", "-t", "watch").Stdout;

        public string WaitForScreen(Func<string, bool> expected)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            string screen = Screen();
            while (!expected(screen) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
                screen = Screen();
            }
            Assert.True(expected(screen), "the screen never showed what was expected:\n" + screen);
            return screen;
        }

        public void Press(string key) => Must(Tmux("send-keys", "-t", "watch", key));

        private CommandResult Tmux(params string[] args) => CommandRunner.Run("tmux", ["-S", _socket, .. args]);

        private static void Must(CommandResult result) => Assert.True(result.ExitCode == 0, result.ToString());

        public void Dispose() => Tmux("kill-server");
    }
}
