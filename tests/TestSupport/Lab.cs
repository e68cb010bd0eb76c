namespace TestSupport;

/// <summary>
/// A namespace lab (scripts/lab) for one test: client, front-end, the nodes' switch and the nodes
/// under a unique prefix, torn down on dispose even when the test failed. As in the 1997 notes the
/// front-end owns the shared address too, unless created without it.
/// </summary>
public sealed class Lab : IDisposable
{
    public const string SharedAddress = "1.2.3.4";

    public string Prefix { get; }
    public int Nodes { get; }
    public string Client => $"{Prefix}-cl";
    public string FrontEnd => $"{Prefix}-fe";
    public string Node(int i) => $"{Prefix}-n{i}";
    public static string NodeAddress(int i) => $"10.0.0.{i}";

    private static string Script => System.IO.Path.Combine(Binaries.RepoRoot, "scripts", "lab");

    private static string Greeter => Binaries.Path("bench/Bench", "ipc-bench");

    private Lab(string prefix, int nodes)
    {
        Prefix = prefix;
        Nodes = nodes;
    }

    public static Lab Create(int nodes = 3, bool sharedOnFrontEnd = true)
    {
        var lab = new Lab("t" + Guid.NewGuid().ToString("n")[..6], nodes);
        var environment = new Dictionary<string, string>
        {
            ["LAB_GREETER"] = Greeter,
            ["LAB_SHARED_ON_FRONT_END"] = sharedOnFrontEnd ? "1" : "0",
        };
        var result = CommandRunner.Run(Script, ["up", lab.Prefix, nodes.ToString()], environment);
        if (result.ExitCode != 0)
        {
            lab.Dispose();
            throw new InvalidOperationException("lab up failed\n" + result);
        }
        return lab;
    }

    /// <summary>Runs a command inside one of the lab's namespaces (and never in anybody else's).</summary>
    public CommandResult Exec(string host, params string[] command) =>
        host.StartsWith(Prefix + "-", StringComparison.Ordinal)
            ? CommandRunner.Run("ip", ["netns", "exec", host, .. command])
            : throw new ArgumentException($"{host} is not one of lab {Prefix}'s namespaces", nameof(host));

    /// <summary>
    /// Starts a greeter (as on the nodes: it says <paramref name="name"/>, then echoes) on TCP
    /// <paramref name="port"/> of <paramref name="host"/>; it is ended with the lab, or by disposing it.
    /// </summary>
    public System.Diagnostics.Process StartGreeter(string host, int port, string name)
    {
        var greeter = System.Diagnostics.Process.Start(CommandRunner.StartInfo("ip", ["netns", "exec", host, Greeter, "greet", port.ToString(), name]))!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!Exec(host, "ss", "-Hltn", $"sport = :{port}").Stdout.Contains(':') && DateTime.UtcNow < deadline) Thread.Sleep(50);
        return greeter;
    }

    /// <summary>Connections to the shared address the front-end's conntrack holds (confirmed entries only: a dump lists no others).</summary>
    public int ConntrackToSharedAddress()
    {
        var listing = Exec(FrontEnd, "conntrack", "-L", "-d", SharedAddress);
        return listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    public void Dispose() => CommandRunner.Run(Script, ["down", Prefix]);
}
