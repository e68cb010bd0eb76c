using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>
/// A pool's <c>maglev</c> scheduler: the flow's hash picks a slot of the pool's
/// <see cref="MaglevTable"/>, which holds the nodes that take new connections
/// (<see cref="NodeLoads.TakesNew"/>). Loads play no part, so front-ends that share nothing agree.
/// Tables are built when the configuration changes (<see cref="Rebuild"/>) or a node fails or
/// recovers, never per packet. Not thread-safe: the owner serialises access.
/// </summary>
public sealed class MaglevPolicy : ISchedulingPolicy
{
    /// <summary>Per pool name, the pool configuration and health version a table was built from, and the table.</summary>
    private readonly Dictionary<string, (PoolConfig Pool, int HealthVersion, MaglevTable Table)> _tables = [];

    public NodeConfig? Choose(PoolConfig pool, NodeLoads loads, ulong flowHash) => TableOf(pool, loads).Lookup(flowHash);

    public bool ChoosesByFlowAlone(PoolConfig pool, NodeLoads loads) => true;

    /// <summary>Builds the tables of the maglev pools of <paramref name="config"/> that changed, and forgets the others.</summary>
    public void Rebuild(ClusterConfig config, NodeLoads loads)
    {
        var maglevPools = config.Pools.Where(p => p.Scheduler == ClusterControl.PoolScheduler.Maglev).ToList();
        foreach (string name in _tables.Keys.Where(name => !maglevPools.Exists(p => p.Name == name)).ToList())
            _tables.Remove(name);
        foreach (var pool in maglevPools) TableOf(pool, loads);
    }

    /// <summary>
    /// The pool's table, built now if the pool changed since (an immutable pool is a new object after
    /// any change) or a node failed or recovered.
    /// </summary>
    public MaglevTable TableOf(PoolConfig pool, NodeLoads loads)
    {
        if (_tables.TryGetValue(pool.Name, out var built) && ReferenceEquals(built.Pool, pool) && built.HealthVersion == loads.HealthVersion)
            return built.Table;
        var table = MaglevTable.Build(pool.Nodes.Where(loads.TakesNew));
        _tables[pool.Name] = (pool, loads.HealthVersion, table);
        return table;
    }
}
