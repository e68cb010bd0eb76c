using Clusterd.State;

namespace Clusterd.Core;

/// <summary>
/// The runtime health of the checked nodes, by node id: not configuration (it is neither saved nor
/// programmed), and separate from the operator's up and down. Not thread-safe: the service owns it
/// under its lock.
/// </summary>
public sealed class HealthBook
{
    private readonly Dictionary<int, NodeHealth> _nodes = [];

    /// <summary>The node's health; <see cref="NodeHealth.Unchecked"/> when no check has reported on it.</summary>
    public NodeHealth this[int id] => _nodes.GetValueOrDefault(id, NodeHealth.Unchecked);

    /// <summary>Records one result (<paramref name="took"/>: an active probe's duration); true when it turned the node failed or healthy.</summary>
    public bool Record(int id, bool passed, string detail, int rise, int fall, DateTime now, TimeSpan? took = null)
    {
        var before = this[id];
        var after = before.After(passed, detail, rise, fall, now, took);
        _nodes[id] = after;
        return after.Failed != before.Failed;
    }

    /// <summary>
    /// Forgets the nodes <paramref name="config"/> no longer has or no longer checks, so a check
    /// removed never leaves a node failed; returns the ids of those that were failed. A node set
    /// down keeps its health: up again, it takes connections only once healthy.
    /// </summary>
    public List<int> ForgetUnchecked(ClusterConfig config)
    {
        var checkedIds = config.Pools.SelectMany(p => p.Nodes.Where(n => p.CheckOf(n) is not null)).Select(n => n.Id).ToHashSet();
        var released = new List<int>();
        foreach (var (id, health) in _nodes.Where(entry => !checkedIds.Contains(entry.Key)).ToList())
        {
            _nodes.Remove(id);
            if (health.Failed) released.Add(id);
        }
        return released;
    }
}
