using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>
/// "New connections will be redirected to the least loaded node": load = active connections × cost,
/// over the nodes that take new connections (up, and not failed); a node in slow start counts
/// more (<see cref="NodeLoads.Load"/>). Ties go round-robin, so equal nodes share evenly from the first
/// connection, and short connections (load always 0) rotate rather than all landing on one node.
/// </summary>
public sealed class LeastLoadPolicy : ISchedulingPolicy
{
    /// <summary>Per pool, the position after the node chosen last; ties are broken from there.</summary>
    private readonly Dictionary<string, int> _cursors = [];

    public NodeConfig? Choose(PoolConfig pool, NodeLoads loads, ulong flowHash)
    {
        var nodes = pool.Nodes;
        if (nodes.Count == 0) return null;
        int start = _cursors.GetValueOrDefault(pool.Name) % nodes.Count;
        int best = -1;
        long bestLoad = long.MaxValue;
        for (int step = 0; step < nodes.Count; step++)
        {
            int index = (start + step) % nodes.Count;
            var node = nodes[index];
            if (!loads.TakesNew(node)) continue;
            long load = loads.Load(node);
            if (load < bestLoad)
            {
                best = index;
                bestLoad = load;
            }
        }
        if (best < 0) return null;
        _cursors[pool.Name] = best + 1;
        return nodes[best];
    }
}
