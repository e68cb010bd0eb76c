using System.Text.Json;
using TestSupport;

namespace Clusterd.Tests;

/// <summary>clconfig -check against a real clusterd: its grammar and errors, its -save lines, and exec checks run for real.</summary>
public sealed class ClconfigCheckTests : IDisposable
{
    private const string Header = "Pool   Node            State  Cost  Conns       Load\n";

    private readonly ClusterdProcess _daemon = ClusterdProcess.StartNew();

    private CommandResult Clconfig(params string[] args) => _daemon.Clconfig(args);

    private void Ok(params string[] args)
    {
        var result = Clconfig(args);
        Assert.True(result.ExitCode == 0 && result.Stderr == "", result.ToString());
    }

    [Theory]
    [InlineData("clconfig: -check: missing check kind (tcp, http, exec, shared or none)\n", "-check", "pool0")]
    [InlineData("clconfig: bad check kind 'udp' (expected tcp, http, exec, shared or none)\n", "-check", "pool0", "udp", "53")]
    [InlineData("clconfig: bad port '0' (expected 1..65535)\n", "-check", "pool0", "tcp", "0")]
    [InlineData("clconfig: -check: missing HTTP path\n", "-check", "pool0", "http", "80")]
    [InlineData("clconfig: bad check path (expected /..., printable, no spaces)\n", "-check", "pool0", "http", "80", "health")]
    [InlineData("clconfig: unknown word 'expect' (expected interval, timeout, rise, fall)\n", "-check", "pool0", "tcp", "80", "expect", "200")]
    [InlineData("clconfig: 'rise' given twice\n", "-check", "pool0", "tcp", "80", "rise", "2", "rise", "3")]
    [InlineData("clconfig: bad check interval '10' (expected 100..3600000 ms)\n", "-check", "pool0", "tcp", "80", "interval", "10")]
    [InlineData("clconfig: bad fall 'x' (expected a number)\n", "-check", "pool0", "tcp", "80", "fall", "x")]
    [InlineData("clconfig: unexpected word '80'\n", "-check", "pool0", "none", "80")]
    [InlineData("clconfig: bad check kind 'default' (expected tcp, http, exec, shared or none)\n", "-check", "pool0", "default")]
    public void ABadCheckLineIsAUsageError(string message, params string[] args)
    {
        var result = Clconfig(args);
        Assert.Equal((2, message), (result.ExitCode, result.Stderr));
    }

    [Fact]
    public void AnUnknownPoolOrNodeIsRefused()
    {
        var result = Clconfig("-check", "pool3", "tcp", "80");
        Assert.Equal((1, "clconfig: no such pool 'pool3'\n"), (result.ExitCode, result.Stderr));
        result = Clconfig("-check", "pool0", "10.0.0.9", "tcp", "80");
        Assert.Equal((1, "clconfig: no node 10.0.0.9 in pool0\n"), (result.ExitCode, result.Stderr));
    }

    [Fact]
    public void ChecksAreSavedAsTheLinesThatSetThem()
    {
        Ok("-add", "pool0", "10.0.0.1", "down");
        Ok("-add", "pool0", "10.0.0.2", "down");
        Ok("-check", "pool0", "http", "8080", "/health", "expect", "204", "timeout", "300");
        Ok("-check", "pool0", "10.0.0.2", "none");
        Assert.EndsWith(
            "clconfig -check pool0 http 8080 /health expect 204 timeout 300\nclconfig -check pool0 10.0.0.2 none\n",
            Clconfig("-save").Stdout);

        Ok("-check", "pool0", "10.0.0.2", "default");
        Ok("-check", "pool0", "none");
        Assert.DoesNotContain("-check", Clconfig("-save").Stdout);
    }

    [Fact]
    public void AnExecCheckSeesItsNodeAndFailsTheNodesItRejects()
    {
        Ok("-add", "pool0", "10.0.0.1");
        Ok("-add", "pool0", "10.0.0.2");
        Ok("-check", "pool0", "exec", "test \"$IP_CLUSTER_NODE\" = 10.0.0.1 && test \"$IP_CLUSTER_POOL\" = pool0", "interval", "100", "fall", "1");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string listing = Clconfig("-list").Stdout;
        while (!listing.Contains("failed", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
            listing = Clconfig("-list").Stdout;
        }

        Assert.Equal(Header +
            "pool0  10.0.0.1        up       10      0          0\n" +
            "pool0  10.0.0.2        failed    10      0          0\n", listing); // a word wider than its column pushes the line right
        using var json = JsonDocument.Parse(Clconfig("-list", "--json").Stdout);
        var health = json.RootElement.GetProperty("nodes")[1].GetProperty("health");
        Assert.Equal(("exec", false, "exit 1"),
            (health.GetProperty("check").GetString(), health.GetProperty("passed").GetBoolean(), health.GetProperty("result").GetString()));
        Assert.Equal(JsonValueKind.String, health.GetProperty("changed").ValueKind);
    }

    public void Dispose() => _daemon.Dispose();
}
