using System.Diagnostics;
using System.Text;
using TestSupport;

namespace Clusterd.Tests;

/// <summary>clconfig -rate and -watch against a real clusterd: usage errors, and -watch's plain text when stdout is not a terminal.</summary>
public sealed class ClconfigWatchTests : IDisposable
{
    private readonly ClusterdProcess _daemon = ClusterdProcess.StartNew();

    private CommandResult Clconfig(params string[] args) => _daemon.Clconfig(args);

    [Theory]
    [InlineData("clconfig: bad pool name 'pool'", "-rate", "pool")]
    [InlineData("clconfig: unexpected word 'pool1'", "-rate", "pool0", "pool1")]
    [InlineData("clconfig: bad pool name 'x'", "-watch", "x")]
    [InlineData("clconfig: unexpected word 'pool1'", "-watch", "pool0", "pool1")]
    public void BadWordsAreUsageErrors(string message, params string[] args)
    {
        var result = Clconfig(args);
        Assert.Equal((2, message + "\n"), (result.ExitCode, result.Stderr));
    }

    [Fact]
    public void WatchingAnUnknownPoolIsRefused()
    {
        var result = Clconfig("-watch", "pool3");
        Assert.Equal((1, "clconfig: no such pool 'pool3'\n"), (result.ExitCode, result.Stderr));
    }

    [Fact]
    public void WithoutATerminalTheViewIsPlainTextFrameAfterFrame()
    {
        Assert.Equal(0, Clconfig("-add", "pool0", "10.0.0.1").ExitCode);
        var output = new StringBuilder();
        using var watch = new Process { StartInfo = CommandRunner.StartInfo(Binaries.Clconfig, ["-watch"], _daemon.ClientEnvironment) };
        watch.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        watch.Start();
        watch.BeginOutputReadLine();
        var deadline = Stopwatch.StartNew();
        while (Frames() < 2 && deadline.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(100);
        Signals.Send(watch.Id, Signals.SIGTERM);
        Assert.True(watch.WaitForExit(TimeSpan.FromSeconds(10)), "clconfig -watch did not stop on SIGTERM");
        watch.WaitForExit();

        string text;
        lock (output) text = output.ToString();
        Assert.True(Frames() >= 2, text);
        Assert.Equal(0, watch.ExitCode);
        Assert.DoesNotContain('\e', text);
        Assert.Contains("pool0  10.0.0.1        up       ........................       0      0.0", text);

        int Frames()
        {
            lock (output) return output.ToString().Split('\n').Count(line => line.StartsWith("ip_cluster ", StringComparison.Ordinal));
        }
    }

    public void Dispose() => _daemon.Dispose();
}
