using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>
/// A pool's <c>maglev</c> scheduler: the flow's hash picks a slot of the pool's
/// <see cref="MaglevTable"/>, which holds the nodes that take new connections. Loads play no part,
/// so front-ends that share nothing agree. Tables are built when the configuration changes
/// (<see cref="Rebuild"/>), never per packet. Not thread-safe: the owner serialises access.
/// </summary>
public sealed class MaglevPolicy : ISchedulingPolicy
{
    /// <summary>Per pool name, the pool configuration a table was built from, and the table.</summary>
    private readonly Dictionary<string, (PoolConfig Pool, MaglevTable Table)> _tables = [];

    public NodeConfig? Choose(PoolConfig pool, NodeLoads loads, ulong flowHash) => TableOf(pool).Lookup(flowHash);

    /// <summary>Builds the tables of the maglev pools of <paramref name="config"/> that changed, and forgets the others.</summary>
    public void Rebuild(ClusterConfig config)
    {
        var maglevPools = config.Pools.Where(p => p.Scheduler == ClusterControl.PoolScheduler.Maglev).ToList();
        foreach (string name in _tables.Keys.Where(name => !maglevPools.Exists(p => p.Name == name)).ToList())
            _tables.Remove(name);
        foreach (var pool in maglevPools) TableOf(pool);
    }

    /// <summary>The pool's table, built now if the pool changed since (an immutable pool is a new object after any change).</summary>
    public MaglevTable TableOf(PoolConfig pool)
    {
        if (_tables.TryGetValue(pool.Name, out var built) && ReferenceEquals(built.Pool, pool)) return built.Table;
        var table = MaglevTable.Build(pool.Nodes.Where(NodeEligibility.TakesNewConnections));
        _tables[pool.Name] = (pool, table);
        return table;
    }
}
