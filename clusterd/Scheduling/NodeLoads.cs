using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>
/// What the schedulers know of the nodes at run time: active connections per node, by node id, and
/// which nodes failed their health checks. Not thread-safe: the owner serialises access.
/// </summary>
/// <remarks>
/// <see cref="Changed"/> names every node whose <see cref="Load"/> or <see cref="TakesNew"/> may
/// have changed, so what a scheduler keeps from them (<see cref="LeastLoadPolicy"/>'s index) stays
/// true without reading every node per connection.
/// </remarks>
public sealed class NodeLoads
{
    /// <summary>Raised with the node's id after its connections, health or slow start changed.</summary>
    public event Action<int>? Changed;

    private readonly Dictionary<int, int> _connections = [];
    private readonly HashSet<int> _failed = [];
    /// <summary>Nodes in slow start: when they came back and over how many milliseconds they ramp up.</summary>
    private readonly Dictionary<int, (long SinceMs, long OverMs)> _ramps = [];

    /// <summary>The time the schedulers see (<see cref="Environment.TickCount64"/>); set by the owner before it asks them.</summary>
    public long NowMs { get; set; }

    /// <summary>The smallest share of its weight a node in slow start gets: 1/20, so it takes some connections from the first moment.</summary>
    public const int LeastWeightPerMille = 50;

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
        if (!(failed ? _failed.Add(id) : _failed.Remove(id))) return;
        HealthVersion++;
        Changed?.Invoke(id);
    }

    /// <summary>Node <paramref name="id"/> came back at <paramref name="sinceMs"/>: its weight grows from 1/20 to whole over <paramref name="overMs"/>.</summary>
    public void StartRamp(int id, long sinceMs, long overMs)
    {
        _ramps[id] = (sinceMs, overMs);
        Changed?.Invoke(id);
    }

    public void EndRamp(int id)
    {
        if (_ramps.Remove(id)) Changed?.Invoke(id);
    }

    /// <summary>Whether node <paramref name="id"/> is in slow start, so its <see cref="Load"/> changes with <see cref="NowMs"/> alone.</summary>
    public bool IsRamping(int id) => _ramps.ContainsKey(id);

    /// <summary>
    /// The node's load as least load compares it, in thousandths: connections × cost; for a node in
    /// slow start at weight w, ((connections + 1) / w − 1) × cost, so an empty node at a tenth of
    /// its weight looks as if it had 9 connections, and at full weight it is as any other.
    /// </summary>
    public long Load(NodeConfig node)
    {
        long connections = this[node.Id];
        if (!_ramps.TryGetValue(node.Id, out var ramp)) return connections * node.Cost * 1000;
        long elapsed = NowMs - ramp.SinceMs;
        if (elapsed >= ramp.OverMs)
        {
            EndRamp(node.Id);
            return connections * node.Cost * 1000;
        }
        long weight = Math.Max(LeastWeightPerMille, Math.Max(0, elapsed) * 1000 / ramp.OverMs);
        return ((connections + 1) * 1_000_000 / weight - 1000) * node.Cost;
    }

    public int this[int id] => _connections.GetValueOrDefault(id);

    public void Increment(int id)
    {
        _connections[id] = this[id] + 1;
        Changed?.Invoke(id);
    }

    /// <summary>Counts one connection gone; never below zero, as an end may be heard twice (dump, then event).</summary>
    public void Decrement(int id)
    {
        int count = this[id];
        if (count <= 1) _connections.Remove(id);
        else _connections[id] = count - 1;
        if (count > 0) Changed?.Invoke(id);
    }

    public void Clear()
    {
        int[] busy = [.. _connections.Keys];
        _connections.Clear();
        foreach (int id in busy) Changed?.Invoke(id);
    }

    /// <summary>The ids of the nodes that still carry connections.</summary>
    public IEnumerable<int> BusyNodes => _connections.Keys;
}
