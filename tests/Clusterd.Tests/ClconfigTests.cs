using TestSupport;

namespace Clusterd.Tests;

/// <summary>The clconfig binary against a real clusterd: every command, every error, exact output.</summary>
public sealed class ClconfigTests : IDisposable
{
    private readonly ClusterdProcess _daemon = ClusterdProcess.StartNew();

    private CommandResult Clconfig(params string[] args) => _daemon.Clconfig(args);

    private void Ok(params string[] args)
    {
        var result = Clconfig(args);
        Assert.True(result.ExitCode == 0 && result.Stderr == "", result.ToString());
    }

    private const string Header = "Pool   Node            State  Cost  Conns       Load\n";

    [Fact]
    public void SeedLineWorksVerbatim()
    {
        Ok("-add", "pool0", "10.0.0.1", "up", "cost", "10");
        Assert.Equal(Header + "pool0  10.0.0.1        up       10      0          0\n", Clconfig("-list").Stdout);
    }

    [Fact]
    public void AddDefaultsToUpAndCostTen()
    {
        Ok("-add", "pool0", "10.0.0.2");
        Ok("-add", "pool0", "10.0.0.3", "cost", "20", "down");
        Assert.Equal(Header +
            "pool0  10.0.0.2        up       10      0          0\n" +
            "pool0  10.0.0.3        down     20      0          0\n", Clconfig("-list", "pool0").Stdout);
    }

    [Fact]
    public void SetChangesStateAndCost()
    {
        Ok("-add", "pool0", "10.0.0.1");
        Ok("-set", "pool0", "10.0.0.1", "down");
        Ok("-set", "pool0", "10.0.0.1", "cost", "65535");
        Assert.Equal(Header + "pool0  10.0.0.1        down  65535      0          0\n", Clconfig("-list").Stdout);
    }

    [Fact]
    public void PoolsListInNumberOrderAndNodesInAddedOrder()
    {
        Ok("-create", "pool10");
        Ok("-create", "pool2", "masq");
        Ok("-add", "pool10", "10.0.0.9");
        Ok("-add", "pool2", "10.0.0.5");
        Ok("-add", "pool2", "10.0.0.4");
        Ok("-add", "pool0", "10.0.0.1");
        Assert.Equal(Header +
            "pool0  10.0.0.1        up       10      0          0\n" +
            "pool2  10.0.0.5        up       10      0          0\n" +
            "pool2  10.0.0.4        up       10      0          0\n" +
            "pool10 10.0.0.9        up       10      0          0\n", Clconfig("-list").Stdout);
    }

    [Fact]
    public void DelRemovesNode()
    {
        Ok("-add", "pool0", "10.0.0.1");
        Ok("-add", "pool0", "10.0.0.2");
        Ok("-del", "pool0", "10.0.0.1");
        Assert.Equal(Header + "pool0  10.0.0.2        up       10      0          0\n", Clconfig("-list").Stdout);
    }

    [Fact]
    public void CreateForwardDestroy()
    {
        Ok("-create", "pool1");
        Ok("-forward", "pool1", "masq");
        Ok("-forward", "pool1", "route");
        Ok("-destroy", "pool1");
        AssertRefused(Clconfig("-list", "pool1"), "clconfig: no such pool 'pool1'\n");
    }

    [Fact]
    public void SchedulerIsSetAtCreateOrLaterAndShownInJsonAndSave()
    {
        Ok("-create", "pool1", "maglev", "masq");
        Ok("-scheduler", "pool0", "maglev");
        Ok("-scheduler", "pool0", "leastload");
        Ok("-create", "pool2", "route", "leastload");
        Assert.Contains("\"pool\": \"pool1\",\n      \"forward\": \"masq\",\n      \"scheduler\": \"maglev\"", Clconfig("-list", "--json").Stdout);
        Assert.Contains("\"scheduler\": \"leastload\"", Clconfig("-list", "pool0", "--json").Stdout);
        string save = Clconfig("-save").Stdout;
        Assert.Contains("clconfig -create pool1 masq maglev\n", save);
        Assert.Contains("clconfig -create pool2 route\n", save);
        Assert.DoesNotContain("-scheduler", save);
    }

    [Fact]
    public void PingAnswersWithTheDigestOfTheSavedScript()
    {
        Ok("-add", "pool0", "10.0.0.1");
        string digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Clconfig("-save").Stdout)));

        var ping = Clconfig("-ping");
        Assert.Equal((0, $"clusterd ok, configuration {digest}\n", ""), (ping.ExitCode, ping.Stdout, ping.Stderr));
        Assert.Equal(0, Clconfig("-ping", digest.ToUpperInvariant()).ExitCode);
        Assert.Contains($"\"digest\": \"{digest}\"", Clconfig("-status", "--json").Stdout);

        var other = Clconfig("-ping", new string('0', 64));
        Assert.Equal((4, $"clconfig: configuration digest {digest} is not the expected {new string('0', 64)}\n"), (other.ExitCode, other.Stderr));
    }

    [Fact]
    public void PingOfAStuckClusterdFailsWithinItsDeadline()
    {
        Signals.Send(_daemon.Pid, Signals.SIGSTOP);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var ping = Clconfig("-ping");
            clock.Stop();
            Assert.Equal(1, ping.ExitCode);
            Assert.Contains("did not answer within 1 s", ping.Stderr);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}"); // 1 s deadline plus a loaded machine's start-up
        }
        finally
        {
            Signals.Send(_daemon.Pid, Signals.SIGCONT);
        }
        Assert.Equal(0, Clconfig("-ping").ExitCode);
    }

    [Fact]
    public void PingOfNoClusterdExitsOne()
    {
        var ping = CommandRunner.Run(Binaries.Clconfig, ["-ping"], new Dictionary<string, string> { ["CLUSTERD_SOCKET"] = "/nonexistent/clusterd.sock" });
        Assert.Equal(1, ping.ExitCode);
        Assert.StartsWith("clconfig: cannot reach clusterd at /nonexistent/clusterd.sock", ping.Stderr);
    }

    [Fact]
    public void DebugLevelIsAccepted() => Ok("-debug", "3");

    [Fact]
    public void HelpAndVersion()
    {
        foreach (var flag in new[] { "-h", "--help" })
        {
            var help = Clconfig(flag);
            Assert.Equal(0, help.ExitCode);
            Assert.StartsWith("Usage: clconfig COMMAND ...\n", help.Stdout);
            Assert.Contains("clconfig -add POOL ADDR [up|down] [cost N]", help.Stdout);
        }
        var version = Clconfig("--version");
        Assert.Equal((0, "clconfig (ip_cluster) 1.0.0\n"), (version.ExitCode, version.Stdout));
    }

    [Theory]
    [InlineData("clconfig: missing command (try 'clconfig -h')")]
    [InlineData("clconfig: unknown command '-frobnicate' (try 'clconfig -h')", "-frobnicate")]
    [InlineData("clconfig: unknown command 'add' (try 'clconfig -h')", "add", "pool0", "10.0.0.1")]
    [InlineData("clconfig: -add: missing pool name", "-add")]
    [InlineData("clconfig: -add: missing node address", "-add", "pool0")]
    [InlineData("clconfig: bad pool name 'pool'", "-add", "pool", "10.0.0.1")]
    [InlineData("clconfig: bad pool name 'pool01'", "-add", "pool01", "10.0.0.1")]
    [InlineData("clconfig: bad pool name 'eth0'", "-add", "eth0", "10.0.0.1")]
    [InlineData("clconfig: bad address '10.0.0.300'", "-add", "pool0", "10.0.0.300")]
    [InlineData("clconfig: bad address 'node1'", "-add", "pool0", "node1")]
    [InlineData("clconfig: unknown word 'fast' (expected up, down, drain [timeout S] or cost N)", "-add", "pool0", "10.0.0.1", "fast")]
    [InlineData("clconfig: unknown word 'timeout' (expected up, down, drain [timeout S] or cost N)", "-set", "pool0", "10.0.0.1", "down", "timeout", "5")]
    [InlineData("clconfig: bad drain timeout '0' (expected 1..604800 seconds)", "-set", "pool0", "10.0.0.1", "drain", "timeout", "0")]
    [InlineData("clconfig: timeout: missing value", "-set", "pool0", "10.0.0.1", "drain", "timeout")]
    [InlineData("clconfig: state given twice ('down')", "-add", "pool0", "10.0.0.1", "up", "down")]
    [InlineData("clconfig: 'cost' given twice", "-add", "pool0", "10.0.0.1", "cost", "1", "cost", "2")]
    [InlineData("clconfig: cost: missing value", "-add", "pool0", "10.0.0.1", "cost")]
    [InlineData("clconfig: bad cost '0' (expected 1..65535)", "-add", "pool0", "10.0.0.1", "cost", "0")]
    [InlineData("clconfig: bad cost '65536' (expected 1..65535)", "-add", "pool0", "10.0.0.1", "cost", "65536")]
    [InlineData("clconfig: bad cost '-5' (expected 1..65535)", "-add", "pool0", "10.0.0.1", "cost", "-5")]
    [InlineData("clconfig: -set: nothing to change (give up, down, drain or cost N)", "-set", "pool0", "10.0.0.1")]
    [InlineData("clconfig: unexpected word 'extra'", "-del", "pool0", "10.0.0.1", "extra")]
    [InlineData("clconfig: unexpected word 'pool1'", "-list", "pool0", "pool1")]
    [InlineData("clconfig: bad forwarding method 'nat' (expected route or masq)", "-create", "pool1", "nat")]
    [InlineData("clconfig: -forward: missing forwarding method (route or masq)", "-forward", "pool0")]
    [InlineData("clconfig: bad scheduler 'random' (expected leastload or maglev)", "-create", "pool1", "masq", "random")]
    [InlineData("clconfig: unexpected word 'route'", "-create", "pool1", "masq", "maglev", "route")]
    [InlineData("clconfig: -scheduler: missing scheduler (leastload or maglev)", "-scheduler", "pool0")]
    [InlineData("clconfig: bad digest 'abc' (expected 64 hex digits, as sha256sum prints)", "-ping", "abc")]
    [InlineData("clconfig: bad scheduler 'hash' (expected leastload or maglev)", "-scheduler", "pool0", "hash")]
    [InlineData("clconfig: -destroy: missing pool name", "-destroy")]
    [InlineData("clconfig: -sticky: missing time in seconds (or none)", "-sticky", "pool0")]
    [InlineData("clconfig: bad sticky time 'x' (expected seconds, or none)", "-sticky", "pool0", "x")]
    [InlineData("clconfig: bad sticky time '86401' (expected 1..86400 seconds, or 0 for none)", "-sticky", "pool0", "86401")]
    [InlineData("clconfig: bad sticky mask '255.0.255.0' (expected a contiguous netmask)", "-sticky", "pool0", "60", "mask", "255.0.255.0")]
    [InlineData("clconfig: unknown word 'for' (expected mask M)", "-sticky", "pool0", "60", "for")]
    [InlineData("clconfig: bad slow start '3601' (expected 1..3600 seconds, or none)", "-slowstart", "pool0", "3601")]
    [InlineData("clconfig: unexpected word 'x'", "-slowstart", "pool0", "30", "x")]
    [InlineData("clconfig: bad debug level 'x' (expected 0..9)", "-debug", "x")]
    [InlineData("clconfig: -debug: missing debug level", "-debug")]
    public void UsageErrorsExitTwoAndChangeNothing(string message, params string[] args)
    {
        var before = Clconfig("-list").Stdout;
        var result = Clconfig(args);
        Assert.Equal((2, "", message + "\n"), (result.ExitCode, result.Stdout, result.Stderr));
        Assert.Equal(before, Clconfig("-list").Stdout);
    }

    [Fact]
    public void RefusalsExitOneAndChangeNothing()
    {
        Ok("-add", "pool0", "10.0.0.1");
        Ok("-create", "pool1");
        Ok("-add", "pool1", "10.0.0.7");
        string before = Clconfig("-list").Stdout;
        AssertRefused(Clconfig("-add", "pool0", "10.0.0.1", "cost", "5"), "clconfig: node 10.0.0.1 is already in pool0 (use -set)\n");
        AssertRefused(Clconfig("-add", "pool9", "10.0.0.1"), "clconfig: no such pool 'pool9'\n");
        AssertRefused(Clconfig("-set", "pool0", "10.0.0.2", "up"), "clconfig: no node 10.0.0.2 in pool0\n");
        AssertRefused(Clconfig("-del", "pool0", "10.0.0.2"), "clconfig: no node 10.0.0.2 in pool0\n");
        AssertRefused(Clconfig("-create", "pool1"), "clconfig: pool pool1 already exists\n");
        AssertRefused(Clconfig("-destroy", "pool1"), "clconfig: pool pool1 still has 1 node\n");
        AssertRefused(Clconfig("-forward", "pool5", "masq"), "clconfig: no such pool 'pool5'\n");
        AssertRefused(Clconfig("-list", "pool5"), "clconfig: no such pool 'pool5'\n");
        Assert.Equal(before, Clconfig("-list").Stdout);
    }

    [Fact]
    public void ControlCharactersOfTheCommandLineAreEscapedInMessages()
    {
        var result = Clconfig("-add", "pool\x1b]0;owned\x07", "10.0.0.1");
        Assert.Equal((2, "", "clconfig: bad pool name 'pool\\x1b]0;owned\\x07'\n"), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public void NonRootMayReadButNotChange()
    {
        Ok("-add", "pool0", "10.0.0.1");
        string[] asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", Binaries.Clconfig];
        var list = CommandRunner.Run("setpriv", [.. asNobody, "-list"], _daemon.ClientEnvironment);
        Assert.Equal((0, Header + "pool0  10.0.0.1        up       10      0          0\n"), (list.ExitCode, list.Stdout));
        var add = CommandRunner.Run("setpriv", [.. asNobody, "-add", "pool0", "10.0.0.2"], _daemon.ClientEnvironment);
        AssertRefused(add, "clconfig: permission denied (only root may change the cluster)\n");
        Assert.DoesNotContain("10.0.0.2", Clconfig("-list").Stdout);
    }

    [Fact]
    public void DaemonNotRunningIsExitOne()
    {
        var result = CommandRunner.Run(Binaries.Clconfig, ["-list"],
            new Dictionary<string, string> { ["CLUSTERD_SOCKET"] = _daemon.SocketPath + ".absent" });
        AssertRefused(result, $"clconfig: cannot reach clusterd at {_daemon.SocketPath}.absent: no such socket\n");
        _daemon.Stop();
        AssertRefused(Clconfig("-list"), $"clconfig: cannot reach clusterd at {_daemon.SocketPath}: no such socket\n");
    }

    private static void AssertRefused(CommandResult result, string stderr) =>
        Assert.Equal((1, "", stderr), (result.ExitCode, result.Stdout, result.Stderr));

    public void Dispose() => _daemon.Dispose();
}
