using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>
/// What the schedulers know of the nodes at run time: active connections per node, by node id, and
/// which nodes failed their health checks. Not thread-safe: the owner serialises access.
/// </summary>
public sealed class NodeLoads
{
    private readonly Dictionary<int, int> _connections = [];
    private readonly HashSet<int> _failed = [];

    /// <summary>
    /// Whether <paramref name="node"/> may be given a new connection: the operator has it up and its
    /// health checks have not failed it. The one test every scheduler (and anything else choosing
    /// nodes for new connections) applies.
    /// </summary>
    public bool TakesNew(NodeConfig node) => node.TakesNewConnections(_failed);

    /// <summary>The ids of the nodes their health checks failed.</summary>
    public IReadOnlySet<int> Failed => _failed;

    /// <summary>
    /// Counts the changes between failed and healthy, so what a scheduler built from <see cref="TakesNew"/>
    /// (a Maglev table) knows when to build again.
    /// </summary>
    public int HealthVersion { get; private set; }

    /// <summary>Marks node <paramref name="id"/> failed by its health checks, or healthy again.</summary>
    public void SetFailed(int id, bool failed)
    {
        if (failed ? _failed.Add(id) : _failed.Remove(id)) HealthVersion++;
    }

    public int this[int id] => _connections.GetValueOrDefault(id);

    public void Increment(int id) => _connections[id] = this[id] + 1;

    /// <summary>Counts one connection gone; never below zero, as an end may be heard twice (dump, then event).</summary>
    public void Decrement(int id)
    {
        int count = this[id];
        if (count <= 1) _connections.Remove(id);
        else _connections[id] = count - 1;
    }

    public void Clear() => _connections.Clear();

    /// <summary>The ids of the nodes that still carry connections.</summary>
    public IEnumerable<int> BusyNodes => _connections.Keys;
}
