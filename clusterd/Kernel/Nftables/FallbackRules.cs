using ClusterControl.Firewall;
using Clusterd.State;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// The kernel's own scheduler for when clusterd cannot answer: the rules of the
/// <see cref="ClusterTable.FallbackChain"/> chain, which a new connection reaches still carrying its
/// cluster rule's mark only when the queue let it pass undecided — no clusterd bound to the queue
/// (the target's bypass flag), or the queue full (the queue's fail-open flag). A verdict replaces
/// the rule mark with a node mark, so a decided packet never matches here.
/// </summary>
/// <remarks>
/// Each cluster rule gets one rule: its static node while that takes new connections; otherwise a
/// jhash of the flow's addresses and ports, modulo the number of the pool's nodes that take new
/// connections, looked up in a map of their node marks — stateless, so every packet of a flow
/// hashes alike, and the same set of nodes the verdict would choose from (not their loads: the
/// kernel keeps none). The node mark then goes on exactly as a verdict's would: saved in the
/// conntrack mark, routing or DNAT by it, and clusterd counts the connection from conntrack. A rule
/// with no node to take it drops the packet, as clusterd's verdict would.
/// </remarks>
public static class FallbackRules
{
    /// <summary>Fills the fallback chain of <paramref name="table"/> for <paramref name="config"/>, leaving out the <paramref name="failed"/> nodes.</summary>
    public static void Fill(TableContents table, ClusterConfig config, IReadOnlySet<int> failed)
    {
        foreach (var rule in config.FirewallRules.Where(r => r.Policy == RulePolicy.Cluster))
        {
            if (config.FindPool(rule.Pool!) is not { } pool) continue;
            string match = $"meta mark {Marks.Hex(Marks.RuleTag | (uint)rule.Id)}";
            var staticNode = rule.StaticNode is { } address ? pool.FindNode(address) : null;
            List<NodeConfig> nodes = staticNode is not null && staticNode.TakesNewConnections(failed)
                ? [staticNode]
                : pool.Nodes.Where(n => n.TakesNewConnections(failed)).ToList();
            table.Rule(ClusterTable.FallbackChain, nodes.Count switch
            {
                0 => $"{match} drop",
                1 => $"{match} meta mark set {Marks.Hex(Marks.ForNode(nodes[0].Id))}",
                _ => $"{match} meta mark set jhash ip saddr . th sport . ip daddr . th dport mod {nodes.Count} map {{ {string.Join(", ", nodes.Select((n, i) => $"{i} : {Marks.Hex(Marks.ForNode(n.Id))}"))} }}",
            });
        }
    }
}
