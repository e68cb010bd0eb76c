using System.Collections.Immutable;
using System.Text.Json.Serialization;
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
    /// <summary>The firewall and cluster rules of every chain; each chain's rules in list order.</summary>
    [JsonConverter(typeof(SavedRulesJsonConverter))]
    /// <remarks>
    /// An array: every change renders the table and saves from the whole list, and walking an
    /// ImmutableList's tree cost more than the rest of a change among 10,000 rules; the copy a change
    /// makes of 10,000 references costs microseconds.
    /// </remarks>
    public ImmutableArray<FirewallRule> FirewallRules { get; init; } = [];
    public DefaultPolicy InputPolicy { get; init; } = DefaultPolicy.Accept;
    public DefaultPolicy OutputPolicy { get; init; } = DefaultPolicy.Accept;
    public DefaultPolicy ForwardPolicy { get; init; } = DefaultPolicy.Accept;
    /// <summary>The 2.0 kernel's defaults: 15 minutes for TCP, 2 after FIN, 5 for UDP.</summary>
    public MasqueradeTimeouts MasqueradeTimeouts { get; init; } = new(15 * 60, 2 * 60, 5 * 60);
    /// <summary>The id the next stored rule gets; ids name the rules' kernel counters.</summary>
    public int NextRuleId { get; init; } = 1;
    public int DebugLevel { get; init; }
    /// <summary>The id the next new node gets; ids are never reused while the daemon runs.</summary>
    /// <remarks>Saved as <c>nextMark</c>, its name before ids and packet marks were told apart, so older state files load.</remarks>
    [JsonPropertyName("nextMark")]
    public int NextNodeId { get; init; } = 1;

    /// <summary>The state of a freshly loaded <c>pool</c> module: pool0, empty, routing.</summary>
    public static ClusterConfig Initial { get; } = new() { Pools = [new PoolConfig(PoolName.First, ForwardMethod.Route, [])] };

    /// <remarks>A loop, not a predicate: each verdict looks its pool up, and a capturing lambda would allocate per packet.</remarks>
    public PoolConfig? FindPool(string name)
    {
        foreach (var pool in Pools)
            if (pool.Name == name) return pool;
        return null;
    }

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

    public IEnumerable<FirewallRule> RulesOf(FirewallChain chain) => FirewallRules.Where(r => r.Chain == chain);

    public DefaultPolicy PolicyOf(FirewallChain chain) => chain switch
    {
        FirewallChain.Input => InputPolicy,
        FirewallChain.Output => OutputPolicy,
        FirewallChain.Forward => ForwardPolicy,
        _ => DefaultPolicy.Accept,
    };

    public ClusterConfig WithPolicy(FirewallChain chain, DefaultPolicy policy) => chain switch
    {
        FirewallChain.Input => this with { InputPolicy = policy },
        FirewallChain.Output => this with { OutputPolicy = policy },
        FirewallChain.Forward => this with { ForwardPolicy = policy },
        _ => this,
    };
}

public sealed record PoolConfig(string Name, ForwardMethod Forward, ImmutableList<NodeConfig> Nodes)
{
    /// <summary>The health check of every node of the pool that has none of its own; null when unchecked.</summary>
    /// <remarks>Absent from state files of earlier versions, which load unchecked.</remarks>
    public HealthCheck? Check { get; init; }

    /// <summary>The pool's persistence (clconfig -sticky); null: none. Absent from older state files.</summary>
    public Persistence? Sticky { get; init; }

    /// <summary>Seconds over which a node that comes back ramps up to its full share (clconfig -slowstart); null: at once. Absent from older state files.</summary>
    public int? SlowStart { get; init; }

    /// <summary>The check that applies to <paramref name="node"/>: its own, else the pool's; null when it is not checked.</summary>
    public HealthCheck? CheckOf(NodeConfig node) => (node.Check ?? Check) is { Kind: not CheckKind.None } check ? check : null;

    /// <summary>How new connections choose a node; state files from before schedulers load as least load.</summary>
    public PoolScheduler Scheduler { get; init; }

    public NodeConfig? FindNode(Ipv4Address address) => Nodes.Find(n => n.Address == address);

    public PoolConfig WithNode(NodeConfig node)
    {
        int index = Nodes.FindIndex(n => n.Address == node.Address);
        return this with { Nodes = index >= 0 ? Nodes.SetItem(index, node) : Nodes.Add(node) };
    }
}

/// <summary>
/// A node of a pool. <see cref="Id"/> is the node's number: the kernel side turns it into the
/// packet and conntrack mark of its connections (<c>Kernel.Marks.ForNode</c>). Saved as
/// <c>mark</c>, its name before the two were told apart, so older state files load.
/// </summary>
public sealed record NodeConfig(Ipv4Address Address, NodeState State, int Cost, [property: JsonPropertyName("mark")] int Id)
{
    /// <summary>The node's own health check, overriding its pool's (kind none: not checked); null to follow the pool.</summary>
    public HealthCheck? Check { get; init; }

    /// <summary>
    /// Whether new connections may go to this node: the operator has it up and its health checks
    /// have not failed it (<paramref name="failed"/>: the ids of the nodes they failed). The one test
    /// shared by the schedulers (through <c>NodeLoads.TakesNew</c>) and the kernel's fallback hash,
    /// which must agree with them while clusterd is away. A method, so it is not saved with the node.
    /// </summary>
    public bool TakesNewConnections(IReadOnlySet<int> failed) => State == NodeState.Up && !failed.Contains(Id);

    /// <summary>
    /// For a <c>drain</c> node: seconds after the drain began when its remaining connections are
    /// ended; null: they run until they end. Absent from older state files.
    /// </summary>
    public int? DrainTimeout { get; init; }
}
