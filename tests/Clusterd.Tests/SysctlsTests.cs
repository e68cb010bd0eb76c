using Clusterd.Kernel;

namespace Clusterd.Tests;

/// <summary>The front-end's sysctls, on a stand-in /proc/sys tree: set at start, kept across restarts, put back by cleanup.</summary>
public sealed class SysctlsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ipc-sysctls-").FullName;
    private string ProcSys => Path.Combine(_root, "proc");
    private string State => Path.Combine(_root, "state");

    public SysctlsTests()
    {
        Set("net/ipv4/ip_forward", "0");
        Set("net/ipv4/conf/all/accept_local", "0");
        Set("net/ipv4/conf/all/src_valid_mark", "0");
        Set("net/ipv4/conf/all/rp_filter", "0");
        Set("net/ipv4/conf/eth0/rp_filter", "0");
    }

    private void Set(string name, string value)
    {
        string path = Path.Combine(ProcSys, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, value + "\n");
    }

    private string Get(string name) => File.ReadAllText(Path.Combine(ProcSys, name)).Trim();

    [Fact]
    public void StartSetsWhatRoutingNeedsAndCleanupPutsItBack()
    {
        new Sysctls(State, ProcSys).Apply();
        Assert.Equal(("1", "1", "1", "0"),
            (Get("net/ipv4/ip_forward"), Get("net/ipv4/conf/all/accept_local"), Get("net/ipv4/conf/all/src_valid_mark"), Get("net/ipv4/conf/all/rp_filter")));
        new Sysctls(State, ProcSys).Restore();
        Assert.Equal(("0", "0", "0"), (Get("net/ipv4/ip_forward"), Get("net/ipv4/conf/all/accept_local"), Get("net/ipv4/conf/all/src_valid_mark")));
        Assert.False(File.Exists(Path.Combine(State, Sysctls.FileName)));
    }

    [Fact]
    public void StrictReversePathFilteringAnywhereBecomesLoose()
    {
        Set("net/ipv4/conf/eth0/rp_filter", "1");
        new Sysctls(State, ProcSys).Apply();
        Assert.Equal("2", Get("net/ipv4/conf/all/rp_filter"));
        new Sysctls(State, ProcSys).Restore();
        Assert.Equal("0", Get("net/ipv4/conf/all/rp_filter"));
    }

    [Fact]
    public void ARestartKeepsTheValuesFromBeforeTheFirstStart()
    {
        new Sysctls(State, ProcSys).Apply();
        Set("net/ipv4/ip_forward", "0"); // someone turned it off while clusterd ran
        new Sysctls(State, ProcSys).Apply();
        Assert.Equal("1", Get("net/ipv4/ip_forward"));
        new Sysctls(State, ProcSys).Restore();
        Assert.Equal(("0", "0"), (Get("net/ipv4/ip_forward"), Get("net/ipv4/conf/all/accept_local")));
    }

    [Fact]
    public void NothingToChangeWritesNoSavedFile()
    {
        Set("net/ipv4/ip_forward", "1");
        Set("net/ipv4/conf/all/accept_local", "1");
        Set("net/ipv4/conf/all/src_valid_mark", "1");
        new Sysctls(State, ProcSys).Apply();
        Assert.False(File.Exists(Path.Combine(State, Sysctls.FileName)));
        new Sysctls(State, ProcSys).Restore(); // and cleanup without anything saved is fine
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
