using TestSupport;

namespace DataPlane.Tests;

/// <summary>The lab itself: reachable without a balancer (on a front-end that does not own the shared address), and gone without a trace afterwards.</summary>
public sealed class LabTests
{
    [Fact]
    public void NodesAnswerThroughAPlainRouteAndTheLabTearsDown()
    {
        string prefix;
        using (var lab = Lab.Create(2, sharedOnFrontEnd: false))
        {
            prefix = lab.Prefix;
            Assert.Equal(0, lab.Exec(lab.FrontEnd, "ip", "route", "add", "1.2.3.4/32", "via", "10.0.0.2").ExitCode);
            var connection = new LabClient(lab).Open(1).Single();
            Assert.Equal(("node2", "1.2.3.4"), (connection.Node, connection.AddressSeen));
            connection.Exchange("hello");
            connection.Dispose();
        }
        Assert.DoesNotContain(prefix, CommandRunner.Run("ip", "netns", "list").Stdout);
        Assert.DoesNotContain($"greet 80", CommandRunner.Run("pgrep", "-af", "ipc-bench greet").Stdout.Split('\n').Where(l => l.Contains(prefix)));
    }
}
