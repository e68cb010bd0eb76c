using System.Text.RegularExpressions;
using TestSupport;

namespace ProcfsShim.Tests;

/// <summary>procfs-shim exec: a legacy command's literal /proc/net/ip_cluster, with the rest of /proc intact.</summary>
public sealed partial class ExecTests : IDisposable
{
    private readonly ClusterdProcess _daemon = ClusterdProcess.StartNew();

    public ExecTests() =>
        Assert.Equal(0, CommandRunner.Run(Binaries.Clconfig, ["-add", "pool0", "10.0.0.3"], _daemon.ClientEnvironment).ExitCode);

    private CommandResult Exec(string script, string? netns = null, string? socketPath = null, bool debug = false)
    {
        string[] shim = [Binaries.ProcfsShim, "exec", "--socket", socketPath ?? _daemon.SocketPath, .. debug ? ["--debug"] : Array.Empty<string>(), "--", "sh", "-c", script];
        return netns is null ? CommandRunner.Run(shim[0], shim[1..]) : CommandRunner.Run("unshare", ["-n", .. shim]);
    }

    [Fact]
    public void TheIssuesOwnCommandLineWorks()
    {
        var result = Exec("cat /proc/net/ip_cluster; ps -e >/dev/null; cat /proc/net/dev");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Pool   Node            State  Cost  Conns       Load\npool0  10.0.0.3 ", result.Stdout);
        Assert.Contains("Inter-|   Receive", result.Stdout);
    }

    [Fact]
    public void ProcSelfNewProcessesAndListingsBehave()
    {
        var result = Exec("[ \"$(readlink /proc/self)\" != \"$$\" ] && echo self-is-the-reader; sleep 0.2 & ls /proc/$! >/dev/null && echo new-pid-visible; ls /proc/net | grep -x ip_cluster; wait");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("self-is-the-reader", result.Stdout); // readlink runs as its own process
        Assert.Contains("new-pid-visible", result.Stdout);
        Assert.Contains("ip_cluster\n", result.Stdout);
    }

    [Fact]
    public void NetFollowsTheCallersNamespaceAndSysctlWritesPassThrough()
    {
        var result = Exec("cat /proc/net/dev | grep -c ':'; echo 1 > /proc/sys/net/ipv4/ip_forward && cat /proc/sys/net/ipv4/ip_forward", netns: "new");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("1\n1\n", result.Stdout); // only lo in a new namespace; the write landed there
    }

    [Fact]
    public void AListingTakingSeveralRepliesComesWholeAndOnce()
    {
        // /proc/sys/net/ipv4's 150-odd entries take more than the page the kernel reads a listing by.
        const string Directory = "/proc/sys/net/ipv4";
        var result = Exec($"LC_ALL=C ls -1A {Directory}");
        Assert.True(result.ExitCode == 0, result.ToString());
        var real = System.IO.Directory.GetFileSystemEntries(Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(string.Concat(real.Select(name => name + "\n")), result.Stdout);
    }

    [Fact]
    public void TheCommandDoesNotHoldTheFuseDevice()
    {
        var result = Exec("for fd in /proc/$$/fd/*; do readlink $fd; done");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("pipe:", result.Stdout); // the listing saw the command's descriptors
        Assert.DoesNotContain("/dev/fuse", result.Stdout);
    }

    [Fact]
    public void TheCommandsExitStatusComesBack() => Assert.Equal(7, Exec("exit 7").ExitCode);

    [Fact]
    public void WithoutClusterdTheFileFailsAtOnce()
    {
        _daemon.Stop();
        var result = Exec("cat /proc/net/ip_cluster");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Transport endpoint is not connected", result.Stderr);
    }

    [Fact]
    public void NodesTheKernelForgetsAreReleased()
    {
        // Walk enough of /proc for the kernel to look up hundreds of nodes, then make it drop its
        // unused dentries (machine-wide, slab only): it forgets them, and so must the shim.
        var result = Exec("find /proc/sys /proc/self/ -maxdepth 4 -ls >/dev/null 2>&1; echo 2 > /proc/sys/vm/drop_caches; sleep 1", debug: true);
        Assert.True(result.ExitCode == 0, result.ToString());
        var forgets = ForgetLine().Matches(result.Stderr).Select(m => (Forgot: int.Parse(m.Groups[1].Value), Held: int.Parse(m.Groups[2].Value))).ToList();
        Assert.True(forgets.Count > 0, result.ToString());
        Assert.True(forgets.Max(f => f.Forgot + f.Held) >= 500, result.ToString()); // what the walk made it hold
        // What is left: the shell's cwd, /proc/sys/vm… Workers answer forgets concurrently, so their
        // lines can come out of order: the fewest held is what the table fell to.
        Assert.True(forgets.Min(f => f.Held) <= 50, result.ToString());
    }

    [GeneratedRegex(@"kernel forgot (\d+) node\(s\), (\d+) held")]
    private static partial Regex ForgetLine();

    [Fact]
    public void OtherReadsAnswerWhileAStatusReadWaitsForClusterd()
    {
        using var slow = new SlowClusterd("the slow status\n", TimeSpan.FromSeconds(4));
        var result = Exec("(cat /proc/net/ip_cluster; echo status-read) & sleep 0.5; cat /proc/sys/kernel/ostype; ls /proc/self/ | grep -x status; wait",
            socketPath: slow.SocketPath);
        Assert.True(result.ExitCode == 0, result.ToString());
        // One thread serving all of /proc would answer the others only after the status.
        Assert.Equal("Linux\nstatus\nthe slow status\nstatus-read\n", result.Stdout);
    }

    public void Dispose() => _daemon.Dispose();
}
