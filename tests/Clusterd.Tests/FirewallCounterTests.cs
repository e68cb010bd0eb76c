using TestSupport;

namespace Clusterd.Tests;

/// <summary>The counters in clusterd's table are exactly those of its rules, whatever was refused, deleted or flushed, and they count on through other rules' changes.</summary>
public sealed class FirewallCounterTests : IDisposable
{
    private readonly ClusterdProcess _daemon = ClusterdProcess.StartNew();

    private CommandResult Ipfwadm(params string[] args) => CommandRunner.Run(Binaries.Ipfwadm, args, _daemon.ClientEnvironment);

    /// <summary>The names of the counters the rules of clusterd's table add to, as nft lists them in the daemon's network namespace.</summary>
    private List<string> KernelCounters()
    {
        const string Comment = " comment \"";
        var listing = CommandRunner.Run("nsenter", "-t", _daemon.Pid.ToString(), "-n", "nft", "list", "table", "ip", "ip_cluster");
        Assert.True(listing.ExitCode == 0, listing.ToString());
        return [.. listing.Stdout.Split('\n').Where(l => l.Contains(Comment, StringComparison.Ordinal))
            .Select(l => l[(l.LastIndexOf(Comment, StringComparison.Ordinal) + Comment.Length)..].TrimEnd('"')).Distinct().Order()];
    }

    [Fact]
    public void ARefusedChangeLeavesNoCounterBehind()
    {
        Assert.Equal(0, Ipfwadm("-I", "-a", "deny", "-S", "192.0.2.1").ExitCode);
        Assert.Equal(["r1"], KernelCounters());
        // The kernel takes the new rules, then saving them fails: the change is refused and rolled back.
        // Without its journal, clusterd writes the change into state.json whole, where a directory stands in the way.
        File.Delete(Path.Combine(_daemon.StateDirectory, "state.journal"));
        Directory.CreateDirectory(_daemon.StateFile + ".tmp");
        try
        {
            var refused = Ipfwadm("-I", "-a", "deny", "-S", "192.0.2.2");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("cannot save", refused.Stderr);
        }
        finally
        {
            Directory.Delete(_daemon.StateFile + ".tmp");
        }
        Assert.Equal(["r1"], KernelCounters());
    }

    [Fact]
    public void DeletedAndFlushedRulesTakeTheirCountersWithThem()
    {
        Assert.Equal(0, Ipfwadm("-I", "-a", "deny", "-S", "192.0.2.1").ExitCode);
        Assert.Equal(0, Ipfwadm("-I", "-a", "deny", "-S", "192.0.2.2").ExitCode);
        Assert.Equal(0, Ipfwadm("-O", "-a", "deny", "-S", "192.0.2.3").ExitCode);
        Assert.Equal(0, Ipfwadm("-I", "-d", "deny", "-S", "192.0.2.1").ExitCode);
        Assert.Equal(["r2", "r3"], KernelCounters());
        Assert.Equal(0, Ipfwadm("-I", "-f").ExitCode);
        Assert.Equal(["r3"], KernelCounters());
    }

    public void Dispose() => _daemon.Dispose();
}
