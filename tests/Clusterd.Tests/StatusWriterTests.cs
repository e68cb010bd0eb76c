using ClusterControl;
using Clusterd.Status;

namespace Clusterd.Tests;

public class StatusWriterTests
{
    [Fact]
    public void WritesTheSpecExample()
    {
        var pools = new[]
        {
            new PoolRow("pool0", Ipv4Address.Parse("10.0.0.1"), NodeState.Up, 10, 3),
            new PoolRow("pool0", Ipv4Address.Parse("10.0.0.2"), NodeState.Down, 10, 0),
        };
        var connections = new[]
        {
            new ConnectionRow(6, "pool0", Ipv4Address.Parse("192.0.2.7"), 40312, Ipv4Address.Parse("1.2.3.4"), 80, Ipv4Address.Parse("10.0.0.1"), 7199.42),
            new ConnectionRow(17, "pool0", Ipv4Address.Parse("192.0.2.9"), 5353, Ipv4Address.Parse("1.2.3.4"), 53, Ipv4Address.Parse("10.0.0.2"), 29.87),
        };
        var text = new StringWriter();
        StatusWriter.WriteStatus(text, pools, connections);
        Assert.Equal(
            "Pool   Node            State  Cost  Conns       Load\n" +
            "pool0  10.0.0.1        up       10      3         30\n" +
            "pool0  10.0.0.2        down     10      0          0\n" +
            "\n" +
            "Prot Pool   Source                Destination           Node            Expires\n" +
            "TCP  pool0  192.0.2.7:40312       1.2.3.4:80            10.0.0.1        7199.42\n" +
            "UDP  pool0  192.0.2.9:5353        1.2.3.4:53            10.0.0.2          29.87\n",
            text.ToString());
    }

    [Theory]
    [InlineData(0.0, "   0.00")]
    [InlineData(0.004, "   0.00")]
    [InlineData(0.005, "   0.01")]
    [InlineData(59.999, "  60.00")]
    [InlineData(431999.5, "431999.50")] // five days: wider than the column, so it pushes right
    public void ExpiresHasTwoDecimalsRightAligned(double seconds, string expires)
    {
        var text = new StringWriter();
        StatusWriter.WriteStatus(text, [], [new ConnectionRow(6, "pool0", Ipv4Address.Parse("192.0.2.7"), 1, Ipv4Address.Parse("1.2.3.4"), 80, Ipv4Address.Parse("10.0.0.1"), seconds)]);
        Assert.EndsWith(" 10.0.0.1        " + expires + "\n", text.ToString());
    }

    [Fact]
    public void EmptyClusterStillHasBothHeaders()
    {
        var text = new StringWriter();
        StatusWriter.WriteStatus(text, [], []);
        Assert.Equal(StatusWriter.PoolHeader + "\n\n" + StatusWriter.ConnectionHeader + "\n", text.ToString());
    }

    [Fact]
    public void WideValuesPushTheLineRight()
    {
        var text = new StringWriter();
        StatusWriter.WritePools(text, [new PoolRow("pool255", Ipv4Address.Parse("255.255.255.255"), NodeState.Up, 65535, 1234567)]);
        Assert.EndsWith("pool255 255.255.255.255 up    65535 1234567 80907348345\n", text.ToString());
    }
}
