using ClusterControl;
using Clusterd.State;

namespace Clusterd.Core;

/// <summary>
/// When each drained node began draining, so its timeout can end what it still carries; and which
/// nodes' UDP flows are to be ended because they stopped taking new connections for good: drained
/// without a timeout, or deleted. Runtime state: a drain restored at start counts from the start.
/// Not thread-safe: <see cref="ClusterService"/> holds its lock.
/// </summary>
public sealed class DrainClock
{
    /// <summary>Drained nodes whose timeout has not passed yet: when their drain began.</summary>
    private readonly Dictionary<int, long> _since = [];

    /// <summary>Follows a change from <paramref name="old"/> to <paramref name="next"/>, adding what it ends to <paramref name="endings"/>.</summary>
    public void Follow(ClusterConfig old, ClusterConfig next, long nowMs, List<NodeEnding> endings)
    {
        var before = old.Pools.SelectMany(p => p.Nodes.Select(n => (Pool: p.Name, Node: n))).ToDictionary(x => x.Node.Id);
        var kept = new HashSet<int>();
        foreach (var pool in next.Pools)
            foreach (var node in pool.Nodes)
            {
                kept.Add(node.Id);
                bool wasDraining = before.TryGetValue(node.Id, out var was) && was.Node.State == NodeState.Drain;
                if (node.State != NodeState.Drain) _since.Remove(node.Id);
                else if (!wasDraining)
                {
                    if (node.DrainTimeout is not null) _since[node.Id] = nowMs;
                    else endings.Add(new NodeEnding(node.Id, UdpOnly: true, $"node {node.Address} of {pool.Name} drained"));
                }
                else if (node.DrainTimeout is null) _since.Remove(node.Id);
                else _since.TryAdd(node.Id, nowMs); // a timeout given to a drain that had none counts from now
            }
        foreach (var (id, gone) in before)
        {
            if (kept.Contains(id)) continue;
            _since.Remove(id);
            endings.Add(new NodeEnding(id, UdpOnly: true, $"node {gone.Node.Address} of {gone.Pool} deleted"));
        }
    }

    /// <summary>Ends every connection of the drained nodes whose timeout has passed by <paramref name="nowMs"/>, once.</summary>
    public void Expire(ClusterConfig config, long nowMs, List<NodeEnding> endings)
    {
        if (_since.Count == 0) return;
        foreach (var pool in config.Pools)
            foreach (var node in pool.Nodes)
            {
                if (!_since.TryGetValue(node.Id, out long since) || node.DrainTimeout is not { } timeout) continue;
                if (nowMs - since < timeout * 1000L) continue;
                _since.Remove(node.Id);
                endings.Add(new NodeEnding(node.Id, UdpOnly: false, $"node {node.Address} of {pool.Name} drained for {timeout} s"));
            }
    }
}
