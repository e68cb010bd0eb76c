using TestSupport;

namespace ProcfsShim.Tests;

/// <summary>The status file through a real FUSE mount, against a real clusterd.</summary>
public sealed class MountTests : IDisposable
{
    private readonly ClusterdProcess _daemon = ClusterdProcess.StartNew();
    private readonly ShimProcess _shim;

    public MountTests()
    {
        _shim = new ShimProcess(_daemon.SocketPath);
        Assert.Equal(0, CommandRunner.Run(Binaries.Clconfig, ["-add", "pool0", "10.0.0.1", "cost", "20"], _daemon.ClientEnvironment).ExitCode);
    }

    [Fact]
    public void CatShowsWhatClusterdReports()
    {
        var cat = CommandRunner.Run("cat", _shim.FilePath);
        Assert.Equal(0, cat.ExitCode);
        Assert.Equal(CommandRunner.Run(Binaries.Clconfig, ["-status"], _daemon.ClientEnvironment).Stdout, cat.Stdout);
        Assert.StartsWith("Pool   Node            State  Cost  Conns       Load\npool0  10.0.0.1        up       20      0          0\n\n", cat.Stdout);
    }

    [Fact]
    public void ByteByByteReadsGiveTheSameBytes()
    {
        var whole = CommandRunner.Shell($"cat {_shim.FilePath} | md5sum").Stdout;
        var bytewise = CommandRunner.Shell($"dd if={_shim.FilePath} bs=1 status=none | md5sum").Stdout;
        Assert.Equal(whole, bytewise);
    }

    [Fact]
    public void TheFileIsReadOnlyForEveryone()
    {
        Assert.Equal("444 regular empty file root\n", CommandRunner.Run("stat", "-c", "%a %F %U", _shim.FilePath).Stdout);
        var write = CommandRunner.Shell($"echo x > {_shim.FilePath}");
        Assert.NotEqual(0, write.ExitCode);
        Assert.Contains("Permission denied", write.Stderr);
        Assert.NotEqual(0, CommandRunner.Run("rm", "-f", _shim.FilePath).ExitCode);
        Assert.NotEqual(0, CommandRunner.Run("touch", Path.Combine(_shim.MountPoint, "new")).ExitCode);
        var asNobody = CommandRunner.Run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat", _shim.FilePath);
        Assert.True(asNobody.ExitCode == 0, asNobody.ToString());
    }

    [Fact]
    public void ListingShowsTheOneFile()
    {
        var ls = CommandRunner.Run("ls", "-l", _shim.MountPoint);
        Assert.Equal(0, ls.ExitCode);
        Assert.Contains("-r--r--r-- 1 root root 0 ", ls.Stdout);
        Assert.EndsWith(" ip_cluster\n", ls.Stdout);
        Assert.NotEqual(0, CommandRunner.Run("stat", Path.Combine(_shim.MountPoint, "other")).ExitCode);
    }

    [Fact]
    public void WithoutClusterdOpenFailsAtOnceAndRecoversWhenItIsBack()
    {
        _daemon.Stop();
        var cat = CommandRunner.Run("cat", [_shim.FilePath], timeout: TimeSpan.FromSeconds(10));
        Assert.NotEqual(0, cat.ExitCode);
        Assert.Contains("Transport endpoint is not connected", cat.Stderr);
        Assert.Contains("cannot reach clusterd", _shim.Log);
        _daemon.Start();
        Assert.Contains("10.0.0.1", CommandRunner.Run("cat", _shim.FilePath).Stdout);
    }

    [Fact]
    public void SigtermUnmounts()
    {
        Assert.Equal(0, _shim.Terminate());
        Assert.False(_shim.IsMounted);
    }

    [Fact]
    public void AStaleMountIsDetachedAndMountedAgain()
    {
        _shim.Kill();
        Assert.True(_shim.IsMounted); // left behind, as by a crash
        using var second = new ShimProcess(_daemon.SocketPath, _shim.MountPoint);
        Assert.Contains("detached a stale mount", second.Log);
        Assert.Contains("10.0.0.1", CommandRunner.Run("cat", second.FilePath).Stdout);
    }

    public void Dispose()
    {
        _shim.Dispose();
        _daemon.Dispose();
    }
}
