using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>
/// "New connections will be redirected to the least loaded node": load = active connections × cost,
/// over the nodes that take new connections (up, and not failed); a node in slow start counts
/// more (<see cref="NodeLoads.Load"/>). Ties go round-robin, so equal nodes share evenly from the first
/// connection, and short connections (load always 0) rotate rather than all landing on one node.
/// </summary>
/// <remarks>
/// Each pool's loads are kept in a <see cref="LeastLoadIndex"/>, told of every change through
/// <see cref="NodeLoads.Changed"/> and built again when the pool changes (an immutable pool is a new
/// object after any change), so a choice does not read every node: a pool of a thousand nodes costs
/// a verdict about what a pool of three does. Not thread-safe: the owner serialises access.
/// </remarks>
public sealed class LeastLoadPolicy : ISchedulingPolicy
{
    /// <summary>Per pool, the position after the node chosen last; ties are broken from there.</summary>
    private readonly Dictionary<string, int> _cursors = [];
    private readonly Dictionary<string, LeastLoadIndex> _indices = [];
    /// <summary>The loads the indices follow.</summary>
    private NodeLoads? _followed;

    public NodeConfig? Choose(PoolConfig pool, NodeLoads loads, ulong flowHash)
    {
        var nodes = pool.Nodes;
        if (nodes.Count == 0) return null;
        var index = IndexOf(pool, loads);
        int best = index.Choose(_cursors.GetValueOrDefault(pool.Name) % nodes.Count, loads);
        if (best < 0) return null;
        _cursors[pool.Name] = best + 1;
        return nodes[best];
    }

    /// <summary>Never: the choice follows this front-end's counts.</summary>
    public bool ChoosesByFlowAlone(PoolConfig pool, NodeLoads loads) => false;

    private LeastLoadIndex IndexOf(PoolConfig pool, NodeLoads loads)
    {
        if (!ReferenceEquals(loads, _followed))
        {
            if (_followed is not null) _followed.Changed -= NodeChanged;
            _indices.Clear();
            loads.Changed += NodeChanged;
            _followed = loads;
        }
        if (_indices.TryGetValue(pool.Name, out var index) && ReferenceEquals(index.Pool, pool)) return index;
        return _indices[pool.Name] = new LeastLoadIndex(pool, loads);
    }

    private void NodeChanged(int id)
    {
        foreach (var index in _indices.Values) index.NodeChanged(id, _followed!);
    }
}
