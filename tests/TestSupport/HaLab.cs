namespace TestSupport;

/// <summary>
/// The labs of two front-ends with a clusterd each, as ip_cluster-ha(7) sets them up from dist/ha:
/// active/backup (scripts/lab up-ha: keepalived and conntrackd) or active/active (scripts/lab
/// up-ecmp: an ECMP router, FRR, keepalived for the return addresses, conntrackd multi-primary,
/// ip_cluster-announce). A client, the nodes. Torn down on dispose even when the test failed.
/// </summary>
public sealed class HaLab : IDisposable
{
    public enum Topology { ActiveBackup, ActiveActive }

    public const string SharedAddress = "1.2.3.4";
    /// <summary>The pair's outside VRRP address, the client's gateway: on the master's eth0.</summary>
    public const string OutsideAddress = "192.0.2.1";

    public string Prefix { get; }
    public int Nodes { get; }
    public string Client => $"{Prefix}-cl";
    public string Switch => $"{Prefix}-sw";
    /// <summary>The upstream router of the active/active lab, which spreads the flows over the front-ends.</summary>
    public string Router => $"{Prefix}-rt";
    public string FrontEnd(int i) => $"{Prefix}-fe{i}";
    public string Directory => $"/run/ip_cluster-lab/{Prefix}";
    public string FrontEndDirectory(int i) => $"{Directory}/fe{i}";
    public static string NodeAddress(int i) => $"10.0.0.{i}";
    public ClusterdProcess Daemon(int i) => _daemons[i - 1];

    private readonly ClusterdProcess[] _daemons;
    private static readonly int[] FrontEnds = [1, 2];
    /// <summary>The files of a front-end's directory worth reading when a test failed.</summary>
    private static readonly string[] LogFiles = ["keepalived.log", "conntrackd.log", "announce.log"];

    private static string Script => System.IO.Path.Combine(Binaries.RepoRoot, "scripts", "lab");

    private HaLab(string prefix, int nodes)
    {
        Prefix = prefix;
        Nodes = nodes;
        _daemons = [new ClusterdProcess(FrontEnd(1)), new ClusterdProcess(FrontEnd(2))];
    }

    public static HaLab Create(int nodes = 3) => Create(Topology.ActiveBackup, nodes);

    public static HaLab Create(Topology topology, int nodes = 3)
    {
        var lab = new HaLab("h" + Guid.NewGuid().ToString("n")[..6], nodes);
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["LAB_GREETER"] = Binaries.Path("bench/Bench", "ipc-bench"),
                ["LAB_FE1_SOCKET"] = lab.Daemon(1).SocketPath,
                ["LAB_FE2_SOCKET"] = lab.Daemon(2).SocketPath,
                ["LAB_CLCONFIG"] = Binaries.Clconfig,
            };
            string command = topology == Topology.ActiveBackup ? "up-ha" : "up-ecmp";
            var result = CommandRunner.Run(Script, [command, lab.Prefix, nodes.ToString()], environment);
            if (result.ExitCode != 0) throw new InvalidOperationException($"lab {command} failed\n" + result);
            lab.Daemon(1).Start();
            lab.Daemon(2).Start();
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    /// <summary>Runs a command inside one of the lab's namespaces (and never in anybody else's).</summary>
    public CommandResult Exec(string host, params string[] command) =>
        host.StartsWith(Prefix + "-", StringComparison.Ordinal)
            ? CommandRunner.Run("ip", ["netns", "exec", host, .. command])
            : throw new ArgumentException($"{host} is not one of lab {Prefix}'s namespaces", nameof(host));

    /// <summary>Runs clconfig against front-end <paramref name="i"/>'s clusterd.</summary>
    public CommandResult Clconfig(int i, params string[] args) => CommandRunner.Run(Binaries.Clconfig, args, Daemon(i).ClientEnvironment);

    /// <summary>Runs a shell script (a clconfig -save script) against front-end <paramref name="i"/>, with clconfig and ipfwadm on its PATH.</summary>
    public CommandResult Apply(int i, string script)
    {
        string bin = System.IO.Path.Combine(Daemon(i).Directory, "bin");
        System.IO.Directory.CreateDirectory(bin);
        foreach (var (name, target) in new[] { ("clconfig", Binaries.Clconfig), ("ipfwadm", Binaries.Ipfwadm) })
            if (!File.Exists(System.IO.Path.Combine(bin, name))) File.CreateSymbolicLink(System.IO.Path.Combine(bin, name), target);
        string file = System.IO.Path.Combine(Daemon(i).Directory, "cluster.sh");
        File.WriteAllText(file, script);
        var environment = new Dictionary<string, string>(Daemon(i).ClientEnvironment)
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
        };
        return CommandRunner.Run("sh", [file], environment);
    }

    /// <summary>
    /// Configures fe1 with the commands — a pool of the nodes in <paramref name="nodeStates"/> ("up" or
    /// "down", node 1 first) and a SYN-only cluster rule for port 80 of the shared address — and fe2
    /// with fe1's -save script, as ip_cluster-ha(7) says.
    /// </summary>
    public void ConfigureBothAlike(params string[] nodeStates)
    {
        for (int n = 1; n <= nodeStates.Length; n++) Must(Clconfig(1, "-add", "pool0", NodeAddress(n), nodeStates[n - 1]));
        Must(CommandRunner.Run(Binaries.Ipfwadm, ["-I", "-a", "cluster", "-P", "tcp", "-S", "0/0", "-D", SharedAddress + "/32", "80", "-W", "pool0", "-y"],
            Daemon(1).ClientEnvironment));
        var script = Clconfig(1, "-save");
        Must(script);
        Must(Apply(2, script.Stdout));
    }

    /// <summary>Throws, with the daemons' logs, when <paramref name="result"/> failed.</summary>
    public void Must(CommandResult result)
    {
        if (result.ExitCode != 0) throw new InvalidOperationException(result + "\n" + Logs());
    }

    /// <summary>The front-ends (1, 2) through which the router of the active/active lab reaches the shared address.</summary>
    public IReadOnlyList<int> RouterPaths()
    {
        string route = Exec(Router, "ip", "route", "show", SharedAddress + "/32").Stdout;
        return [.. FrontEnds.Where(fe => route.Contains($"via 192.0.2.1{fe} ", StringComparison.Ordinal))];
    }

    /// <summary>True when front-end <paramref name="i"/> holds the outside VRRP address (it is, or acts as, master).</summary>
    public bool HoldsOutsideAddress(int i) => Exec(FrontEnd(i), "ip", "-4", "-o", "addr", "show", "dev", "eth0").Stdout.Contains($" {OutsideAddress}/");

    /// <summary>Waits (generously) until <paramref name="condition"/> holds; false if it never did.</summary>
    public static bool Eventually(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(50);
        }
        return true;
    }

    /// <summary>Kills front-end <paramref name="i"/>'s keepalived with SIGKILL, parent and VRRP child, as in a crash.</summary>
    public void KillKeepalived(int i)
    {
        foreach (string file in new[] { "keepalived.pid", "vrrp.pid" })
        {
            string path = $"{FrontEndDirectory(i)}/{file}";
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out int pid)) Signals.Send(pid, Signals.SIGKILL);
        }
    }

    public void StartKeepalived(int i)
    {
        var result = CommandRunner.Run(Script, ["keepalived", Prefix, i.ToString()]);
        if (result.ExitCode != 0) throw new InvalidOperationException("lab keepalived failed\n" + result);
    }

    /// <summary>Cuts front-end <paramref name="i"/> off: its switch ports and the sync link down, as a dead machine.</summary>
    public void SetLinks(int i, bool up)
    {
        string state = up ? "up" : "down";
        Exec(Switch, "ip", "link", "set", $"fe{i}o", state);
        Exec(Switch, "ip", "link", "set", $"fe{i}i", state);
        Exec(FrontEnd(i), "ip", "link", "set", "sync0", state);
    }

    /// <summary>What keepalived, conntrackd and both clusterds logged: for a failure's message.</summary>
    public string Logs()
    {
        var text = new System.Text.StringBuilder();
        for (int i = 1; i <= 2; i++)
        {
            // The active/active lab's announcer and FRR (its logs in FRR's pathspace) beside keepalived and conntrackd.
            foreach (string path in LogFiles.Select(file => $"{FrontEndDirectory(i)}/{file}")
                         .Append($"/var/run/frr/{FrontEnd(i)}/bgpd.log"))
                if (File.Exists(path)) text.Append($"--- fe{i} {System.IO.Path.GetFileName(path)}\n").Append(string.Join('\n', File.ReadLines(path).TakeLast(40))).Append('\n');
            text.Append($"--- fe{i} clusterd\n").Append(Daemon(i).Log);
        }
        return text.ToString();
    }

    public void Dispose()
    {
        foreach (var daemon in _daemons) daemon.Dispose();
        CommandRunner.Run(Script, ["down", Prefix]);
    }
}
