using ClusterControl;
using Clusterd.Control;
using Clusterd.Core;
using Clusterd.State;

namespace Clusterd.Tests.Fakes;

/// <summary>
/// A whole clusterd without a kernel: the service over the fakes, its state saved in a temporary
/// directory, and the request handler on top. What most root-free tests start from.
/// </summary>
public sealed class TestCluster : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("ipc-test-");

    public TestCluster(ClusterConfig? initial = null)
    {
        StateFile = new StateFile(_state.FullName);
        Service = new ClusterService(StateFile, Kernel, initial ?? ClusterConfig.Initial);
        Service.Start();
        Handler = new RequestHandler(Service, Conntrack, Interfaces);
    }

    public FakeDataPlane Kernel { get; } = new();
    public FakeConntrack Conntrack { get; } = new();
    public FakeNetworkInterfaces Interfaces { get; } = new();
    public StateFile StateFile { get; }
    public ClusterService Service { get; }
    public RequestHandler Handler { get; }

    /// <summary>A configuration with pool0 routing to <paramref name="nodes"/> (cost 1 each), ids from 1.</summary>
    public static ClusterConfig WithNodes(params string[] nodes) =>
        ClusterConfig.Initial.WithPool(new PoolConfig(PoolName.First, ForwardMethod.Route,
            [.. nodes.Select((node, i) => new NodeConfig(Ipv4Address.Parse(node), NodeState.Up, 1, i + 1))]))
        with { NextNodeId = nodes.Length + 1 };

    /// <summary>From now on saving fails (as on a full or broken disk): a directory stands where state.json goes, and the journal is gone.</summary>
    public void BreakTheDisk()
    {
        File.Delete(Path.Combine(_state.FullName, StateFile.JournalFileName));
        File.Delete(StateFile.Path);
        Directory.CreateDirectory(StateFile.Path);
    }

    public void Dispose() => _state.Delete(recursive: true);
}
