using System.Net.Sockets;
using System.Text;
using TestSupport;

namespace Clusterd.Tests;

/// <summary>clusterd as a process: persistence, corrupt state, hostile clients, signals.</summary>
public sealed class DaemonTests : IDisposable
{
    private readonly ClusterdProcess _daemon = ClusterdProcess.StartNew();

    private CommandResult Clconfig(params string[] args) => _daemon.Clconfig(args);

    [Fact]
    public void ConfigurationSurvivesRestart()
    {
        Assert.Equal(0, Clconfig("-add", "pool0", "10.0.0.1", "cost", "30").ExitCode);
        Assert.Equal(0, Clconfig("-create", "pool3", "masq").ExitCode);
        Assert.Equal(0, Clconfig("-add", "pool3", "10.0.0.2", "down").ExitCode);
        string before = Clconfig("-list").Stdout;
        Assert.Equal(0, _daemon.Stop());
        _daemon.Start();
        Assert.Equal(before, Clconfig("-list").Stdout);
    }

    [Fact]
    public void RuleChangesSurviveACrash()
    {
        CommandResult Ipfwadm(params string[] args) => CommandRunner.Run(Binaries.Ipfwadm, args, _daemon.ClientEnvironment);
        foreach (string source in new[] { "10.1.0.1", "10.1.0.2", "10.1.0.3" })
            Assert.Equal(0, Ipfwadm("-I", "-a", "deny", "-S", source).ExitCode);
        Assert.Equal(0, Ipfwadm("-I", "-d", "deny", "-S", "10.1.0.2").ExitCode);
        Assert.Equal(0, Ipfwadm("-I", "-i", "accept", "-S", "10.1.0.4").ExitCode);
        string before = Ipfwadm("-I", "-l", "-n").Stdout;
        Assert.Contains("10.1.0.4", before);

        _daemon.Kill(); // the journal, not a clean stop, carries the changes
        _daemon.Start();
        Assert.Equal(before, Ipfwadm("-I", "-l", "-n").Stdout);
    }

    [Fact]
    public void ACleanStopLeavesEverythingInStateJson()
    {
        Assert.Equal(0, CommandRunner.Run(Binaries.Ipfwadm, ["-I", "-a", "deny", "-S", "10.1.0.9"], _daemon.ClientEnvironment).ExitCode);
        Assert.DoesNotContain("10.1.0.9", File.ReadAllText(_daemon.StateFile)); // journaled
        Assert.Equal(0, _daemon.Stop());
        Assert.Contains("\"10.1.0.9\"", File.ReadAllText(_daemon.StateFile));
        Assert.Single(File.ReadAllLines(Path.Combine(_daemon.StateDirectory, "state.journal")));
    }

    [Fact]
    public void StateIsWrittenAtomically()
    {
        Assert.Equal(0, Clconfig("-add", "pool0", "10.0.0.1").ExitCode);
        Assert.Contains("\"10.0.0.1\"", File.ReadAllText(_daemon.StateFile));
        Assert.False(File.Exists(_daemon.StateFile + ".tmp"));
    }

    [Fact]
    public void CorruptStateIsKeptAsideAndReported()
    {
        _daemon.Stop();
        File.WriteAllText(_daemon.StateFile, "{ this is not json");
        _daemon.Start();
        var aside = Directory.GetFiles(_daemon.StateDirectory, "state.json.corrupt-*");
        Assert.Single(aside);
        Assert.Equal("{ this is not json", File.ReadAllText(aside[0]));
        Assert.Contains("is corrupt", _daemon.Log);
        Assert.Contains(aside[0], _daemon.Log);
        Assert.Equal("Pool   Node            State  Cost  Conns       Load\n", Clconfig("-list").Stdout);
    }

    [Fact]
    public void SemanticallyBrokenStateIsKeptAsideToo()
    {
        _daemon.Stop();
        File.WriteAllText(_daemon.StateFile,
            """{"pools":[{"name":"bogus","forward":"Route","nodes":[]}],"firewallRules":[],"debugLevel":0,"nextMark":1}""");
        _daemon.Start();
        Assert.Single(Directory.GetFiles(_daemon.StateDirectory, "state.json.corrupt-*"));
        Assert.Contains("bad pool name 'bogus'", _daemon.Log);
    }

    [Fact]
    public void GarbageRequestsNeverStopTheDaemon()
    {
        var random = new Random(1997);
        for (int i = 0; i < 1000; i++)
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(_daemon.SocketPath));
            byte[] garbage = (i % 4) switch
            {
                0 => RandomBytes(random, random.Next(1, 300), withNewline: true),
                1 => Encoding.UTF8.GetBytes("{\"version\":1,\"op\":\"Add\",\"pool\":[1,2],\"node\":\"999.1.1.1\"}\n"),
                2 => Encoding.UTF8.GetBytes("{\"version\":7,\"op\":\"List\"}\n"),
                _ => RandomBytes(random, random.Next(1, 50), withNewline: false), // then hang up mid-request
            };
            socket.Send(garbage);
            socket.Shutdown(SocketShutdown.Send);
            var buffer = new byte[4096];
            while (socket.Receive(buffer) > 0) { }
        }
        Assert.False(_daemon.HasExited);
        Assert.Equal(0, Clconfig("-add", "pool0", "10.0.0.1").ExitCode);
        Assert.Equal(0, Clconfig("-list").ExitCode);
    }

    [Fact]
    public void OversizedRequestIsRefused()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(_daemon.SocketPath));
        var huge = new byte[1 << 20];
        Array.Fill(huge, (byte)'x');
        try { socket.Send(huge); } catch (SocketException) { } // the daemon may hang up before reading it all
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        try { while ((read = socket.Receive(buffer)) > 0) answer.Append(Encoding.UTF8.GetString(buffer, 0, read)); }
        catch (SocketException) { }
        Assert.Contains("request too large", answer.ToString());
        Assert.Equal(0, Clconfig("-list").ExitCode);
    }

    [Fact]
    public void SlowClientDoesNotBlockOthers()
    {
        using var silent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        silent.Connect(new UnixDomainSocketEndPoint(_daemon.SocketPath));
        silent.Send("{\"version\":1,"u8.ToArray()); // and never finishes
        Assert.Equal(0, Clconfig("-add", "pool0", "10.0.0.1").ExitCode);
    }

    [Fact]
    public void StopsCleanlyOnSigterm()
    {
        Assert.Equal(0, _daemon.Stop());
        Assert.False(File.Exists(_daemon.SocketPath));
    }

    [Fact]
    public void ASecondDaemonOnTheSameSocketIsRefused()
    {
        using var second = new ClusterdProcess();
        var result = CommandRunner.Run("unshare",
            ["--net", "--", Binaries.Clusterd, "--socket", _daemon.SocketPath, "--state-dir", second.StateDirectory]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"another clusterd is already serving {_daemon.SocketPath}", result.Stderr);
        Assert.Equal(0, Clconfig("-list").ExitCode);
    }

    [Fact]
    public void BadOptionsAreUsageErrors()
    {
        var result = CommandRunner.Run(Binaries.Clusterd, "--queue", "70000");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--queue must be 0..65535", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    private static byte[] RandomBytes(Random random, int length, bool withNewline)
    {
        var bytes = new byte[length + (withNewline ? 1 : 0)];
        random.NextBytes(bytes.AsSpan(0, length));
        if (withNewline) bytes[^1] = (byte)'\n';
        return bytes;
    }

    public void Dispose() => _daemon.Dispose();
}
