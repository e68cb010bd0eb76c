using TestSupport;

namespace DataPlane.Tests;

/// <summary>A lab with clusterd running on its front-end, driven by the real commands, as an administrator would.</summary>
public sealed class ClusterLab : IDisposable
{
    public Lab Lab { get; }
    public ClusterdProcess Daemon { get; }
    public LabClient Client { get; }

    /// <param name="daemonArgs">clusterd's options beyond its socket and state directory.</param>
    public ClusterLab(int nodes = 3, bool sharedOnFrontEnd = true, string[]? daemonArgs = null)
    {
        Lab = Lab.Create(nodes, sharedOnFrontEnd);
        try
        {
            Daemon = ClusterdProcess.StartNew(Lab.FrontEnd, daemonArgs ?? []);
            Client = new LabClient(Lab);
        }
        catch
        {
            Lab.Dispose();
            throw;
        }
    }

    public void Clconfig(params string[] args) => Must(CommandRunner.Run(Binaries.Clconfig, args, Daemon.ClientEnvironment));

    public void Ipfwadm(params string[] args) => Must(CommandRunner.Run(Binaries.Ipfwadm, args, Daemon.ClientEnvironment));

    /// <summary>The seed's set-up: every node up with <paramref name="costs"/>, and the cluster rule for the shared address.</summary>
    public void SeedSetUp(params int[] costs)
    {
        for (int i = 1; i <= Lab.Nodes; i++)
            Clconfig("-add", "pool0", Lab.NodeAddress(i), "up", "cost", (costs.Length >= i ? costs[i - 1] : 10).ToString());
        Ipfwadm("-I", "-b", "-a", "cluster", "-S", "0/0", "-D", Lab.SharedAddress + "/32", "-W", "pool0");
    }

    /// <summary>
    /// The seed's set-up (every node up, cost 10), then pool0 given each of <paramref name="settings"/>:
    /// a clconfig option and its values after the pool's name, as <c>["-sticky", "60"]</c>.
    /// </summary>
    public void SeedSetUpWith(params string[][] settings)
    {
        SeedSetUp();
        foreach (var setting in settings) Clconfig([setting[0], "pool0", .. setting[1..]]);
    }

    /// <summary>The state word of the node at <paramref name="address"/> (up, down, drain, failed…), from <c>clconfig -list</c>.</summary>
    public string NodeState(string address)
    {
        var listing = CommandRunner.Run(Binaries.Clconfig, ["-list"], Daemon.ClientEnvironment).Stdout;
        return listing.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(w => w.Length > 2 && w[1] == address)[2];
    }

    /// <summary>Waits (up to 10 s) for the node at <paramref name="address"/> to be in <paramref name="state"/>; fails the test if it never is.</summary>
    public void AwaitNodeState(string address, string state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (NodeState(address) != state && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Xunit.Assert.Equal(state, NodeState(address));
    }

    /// <summary>Active connections per node address, from <c>clconfig -list</c>.</summary>
    public Dictionary<string, int> Connections()
    {
        var listing = CommandRunner.Run(Binaries.Clconfig, ["-list"], Daemon.ClientEnvironment);
        Must(listing);
        return listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(words => words[1], words => int.Parse(words[4]));
    }

    /// <summary>Waits (generously) for conntrack's events to bring the counts to <paramref name="expected"/>; returns the last counts seen.</summary>
    public Dictionary<string, int> ConnectionsOnceSettled(Func<Dictionary<string, int>, bool> expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var counts = Connections();
        while (!expected(counts) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
            counts = Connections();
        }
        return counts;
    }

    private void Must(CommandResult result)
    {
        if (result.ExitCode != 0) throw new InvalidOperationException(result + "\nclusterd log:\n" + Daemon.Log);
    }

    public void Dispose()
    {
        Daemon.Dispose();
        Lab.Dispose();
    }
}
