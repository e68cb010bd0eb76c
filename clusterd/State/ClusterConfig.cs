using System.Collections.Immutable;
using ClusterControl;
using ClusterControl.Firewall;

namespace Clusterd.State;

/// <summary>
/// Everything an administrator configured: what is saved to disk and programmed into the kernel.
/// Immutable, so a change is built on a copy and only replaces the current one once the kernel
/// has accepted it — a refused change leaves nothing half-applied.
/// </summary>
public sealed record ClusterConfig
{
    public ImmutableList<PoolConfig> Pools { get; init; } = [];
    public ImmutableList<FirewallRuleConfig> FirewallRules { get; init; } = [];
    public int DebugLevel { get; init; }
    /// <summary>The mark the next new node gets; marks are never reused while the daemon runs.</summary>
    public int NextMark { get; init; } = 1;

    /// <summary>The state of a freshly loaded <c>pool</c> module: pool0, empty, routing.</summary>
    public static ClusterConfig Initial { get; } = new() { Pools = [new PoolConfig(PoolName.First, ForwardMethod.Route, [])] };

    public PoolConfig? FindPool(string name) => Pools.Find(p => p.Name == name);

    public ClusterConfig WithPool(PoolConfig pool)
    {
        int index = Pools.FindIndex(p => p.Name == pool.Name);
        return this with
        {
            Pools = index >= 0
                ? Pools.SetItem(index, pool)
                : Pools.Add(pool).Sort((a, b) => PoolName.Compare(a.Name, b.Name)),
        };
    }

    public IEnumerable<NodeConfig> AllNodes => Pools.SelectMany(p => p.Nodes);
}

public sealed record PoolConfig(string Name, ForwardMethod Forward, ImmutableList<NodeConfig> Nodes)
{
    public NodeConfig? FindNode(Ipv4Address address) => Nodes.Find(n => n.Address == address);

    public PoolConfig WithNode(NodeConfig node)
    {
        int index = Nodes.FindIndex(n => n.Address == node.Address);
        return this with { Nodes = index >= 0 ? Nodes.SetItem(index, node) : Nodes.Add(node) };
    }
}

/// <summary>A node of a pool. <see cref="Mark"/> names it in packet and conntrack marks.</summary>
public sealed record NodeConfig(Ipv4Address Address, NodeState State, int Cost, int Mark);
