using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>
/// One pool's nodes as least load compares them, kept up to date node by node
/// (<see cref="NodeChanged"/>) so a choice costs O(log n), not a pass over the pool: the loads of
/// the nodes that take new connections in a <see cref="MinTree"/> by their position in the pool,
/// except the nodes in slow start, whose load changes with time alone and which are compared one by
/// one at each choice (a few at most, and only while they ramp).
/// </summary>
internal sealed class LeastLoadIndex
{
    private readonly MinTree _steady;
    private readonly Dictionary<int, int> _positions = [];
    private readonly HashSet<int> _ramping = [];
    /// <summary>The ramping positions as a choice reads them: a ramp that ends while read (in Load) leaves the set.</summary>
    private readonly List<int> _rampingRead = [];

    public PoolConfig Pool { get; }

    public LeastLoadIndex(PoolConfig pool, NodeLoads loads)
    {
        Pool = pool;
        _steady = new MinTree(pool.Nodes.Count);
        for (int position = 0; position < pool.Nodes.Count; position++)
        {
            _positions[pool.Nodes[position].Id] = position;
            Update(position, loads);
        }
    }

    /// <summary>Reads node <paramref name="id"/>'s load again, if it is one of this pool's.</summary>
    public void NodeChanged(int id, NodeLoads loads)
    {
        if (_positions.TryGetValue(id, out int position)) Update(position, loads);
    }

    private void Update(int position, NodeLoads loads)
    {
        var node = Pool.Nodes[position];
        bool ramping = loads.IsRamping(node.Id);
        if (ramping) _ramping.Add(position);
        else _ramping.Remove(position);
        _steady.Set(position, !ramping && loads.TakesNew(node) ? loads.Load(node) : MinTree.Empty);
    }

    /// <summary>
    /// The position of the node with the least load among those that take new connections, ties
    /// going to the first at or after <paramref name="start"/> (wrapping round), or -1 when none may.
    /// </summary>
    public int Choose(int start, NodeLoads loads)
    {
        long bestLoad = _steady.Least;
        int best = bestLoad == MinTree.Empty ? -1 : _steady.FirstAtMost(bestLoad, start);
        if (best < 0 && bestLoad != MinTree.Empty) best = _steady.FirstAtMost(bestLoad, 0);
        if (_ramping.Count == 0) return best;
        int count = Pool.Nodes.Count;
        int After(int position) => (position - start + count) % count; // how far round from start
        _rampingRead.Clear();
        _rampingRead.AddRange(_ramping); // copied into a list kept for it: a choice allocates nothing
        foreach (int position in _rampingRead)
        {
            var node = Pool.Nodes[position];
            if (!loads.TakesNew(node)) continue;
            long load = loads.Load(node);
            if (load < bestLoad || load == bestLoad && After(position) < After(best))
            {
                best = position;
                bestLoad = load;
            }
        }
        return best;
    }
}
