using ClusterControl;
using Clusterd.State;

namespace Clusterd.Core;

/// <summary>
/// What a configuration change did, in words for the log: one line per pool or node that came,
/// went or changed, and one for the firewall, policies, timeouts or debug level if they changed.
/// </summary>
public static class ConfigurationDiff
{
    public static List<string> Describe(ClusterConfig before, ClusterConfig after)
    {
        var lines = new List<string>();
        foreach (var pool in after.Pools)
        {
            if (before.FindPool(pool.Name) is not { } old)
            {
                lines.Add($"pool {pool.Name} created ({pool.Forward.Word()})");
                old = pool with { Nodes = [] };
            }
            else if (old.Forward != pool.Forward) lines.Add($"pool {pool.Name} forwarding {old.Forward.Word()} -> {pool.Forward.Word()}");
            if (old.Sticky != pool.Sticky) lines.Add($"pool {pool.Name} sticky {StickyWords(old.Sticky)} -> {StickyWords(pool.Sticky)}");
            if (old.SlowStart != pool.SlowStart) lines.Add($"pool {pool.Name} slow start {Seconds(old.SlowStart)} -> {Seconds(pool.SlowStart)}");
            DescribeNodes(pool.Name, old, pool, lines);
        }
        foreach (var pool in before.Pools.Where(p => after.FindPool(p.Name) is null))
            lines.Add($"pool {pool.Name} destroyed");
        if (!before.FirewallRules.SequenceEqual(after.FirewallRules))
            lines.Add($"firewall rules changed ({before.FirewallRules.Length} -> {after.FirewallRules.Length})");
        if (before.InputPolicy != after.InputPolicy || before.OutputPolicy != after.OutputPolicy || before.ForwardPolicy != after.ForwardPolicy)
            lines.Add("firewall default policy changed");
        if (before.MasqueradeTimeouts != after.MasqueradeTimeouts) lines.Add("masquerading timeouts changed");
        if (before.DebugLevel != after.DebugLevel) lines.Add($"debug level {before.DebugLevel} -> {after.DebugLevel}");
        return lines;
    }

    private static string StickyWords(Persistence? sticky) => sticky is null ? "none" : $"{sticky.Seconds} s mask {sticky.Mask}";

    private static string Seconds(int? seconds) => seconds is { } s ? $"{s} s" : "none";

    private static void DescribeNodes(string pool, PoolConfig before, PoolConfig after, List<string> lines)
    {
        foreach (var node in after.Nodes)
        {
            if (before.FindNode(node.Address) is not { } old)
            {
                lines.Add($"pool {pool} node {node.Address} added ({node.State.Word()}, cost {node.Cost})");
                continue;
            }
            if (old.State != node.State) lines.Add($"pool {pool} node {node.Address} {old.State.Word()} -> {node.State.Word()}");
            if (old.Cost != node.Cost) lines.Add($"pool {pool} node {node.Address} cost {old.Cost} -> {node.Cost}");
            if (old.DrainTimeout != node.DrainTimeout) lines.Add($"pool {pool} node {node.Address} drain timeout {Seconds(old.DrainTimeout)} -> {Seconds(node.DrainTimeout)}");
        }
        foreach (var node in before.Nodes.Where(n => after.FindNode(n.Address) is null))
            lines.Add($"pool {pool} node {node.Address} deleted");
    }
}
