using System.Net;
using TestSupport;

namespace DataPlane.Tests;

/// <summary>
/// The set-up of the 1997 notes: the front-end owns the shared address ("ifconfig eth0:0 1.2.3.4"),
/// the nodes share one Ethernet segment and hold the address as a non-ARP alias. Route mode must
/// get the clustered connections past the front-end's own local delivery, and nothing else.
/// </summary>
public sealed class NotesTopologyTests
{
    [Theory]
    [InlineData(true, "route")]
    [InlineData(true, "masq")]
    [InlineData(false, "route")]
    [InlineData(false, "masq")]
    public void SeedLinesBalanceThreeHundredHeldConnections(bool sharedOnFrontEnd, string method)
    {
        using var cluster = new ClusterLab(sharedOnFrontEnd: sharedOnFrontEnd);
        cluster.SeedSetUp();
        cluster.Clconfig("-forward", "pool0", method);
        var connections = cluster.Client.Open(300);
        try
        {
            Assert.Equal([100, 100, 100], connections.GroupBy(c => c.Node).OrderBy(g => g.Key).Select(g => g.Count()));
            Assert.All(connections.Take(30), c => c.Exchange("through the front-end"));
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    [Theory]
    [InlineData("route")]
    [InlineData("masq")]
    public void FrontEndStillServesWhatNoClusterRuleCovers(string method)
    {
        using var cluster = new ClusterLab();
        for (int i = 1; i <= 3; i++) cluster.Clconfig("-add", "pool0", Lab.NodeAddress(i));
        cluster.Clconfig("-forward", "pool0", method);
        cluster.Ipfwadm("-I", "-b", "-a", "cluster", "-P", "tcp", "-S", "0/0", "-D", Lab.SharedAddress + "/32", "80", "-W", "pool0");
        using var ssh = cluster.Lab.StartGreeter(cluster.Lab.FrontEnd, 22, "frontend");
        try
        {
            foreach (string address in new[] { "192.0.2.1", Lab.SharedAddress })
            {
                var (connection, error) = cluster.Client.TryConnect(new IPEndPoint(IPAddress.Parse(address), 22), TimeSpan.FromSeconds(5));
                using (connection)
                {
                    Assert.True(connection is not null, $"{address}:22: {error}");
                    Assert.Equal("frontend", connection.Node);
                }
            }
            var clustered = cluster.Client.Open(3);
            Assert.Equal(["node1", "node2", "node3"], clustered.Select(c => c.Node).Order());
            clustered.ForEach(c => c.Dispose());
        }
        finally
        {
            ssh.Kill();
        }
    }
}
