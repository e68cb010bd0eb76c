using ClusterControl;
using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>
/// A cluster rule's <c>-V ADDR</c>: every new connection goes to that node. When the node is
/// down, failed (or gone), the pool's <paramref name="fallback"/> picks instead — a node marked down
/// never receives new connections, nor does a failed one, whatever a rule says.
/// </summary>
public sealed class StaticNodePolicy(Ipv4Address node, ISchedulingPolicy fallback) : ISchedulingPolicy
{
    public NodeConfig? Choose(PoolConfig pool, NodeLoads loads, ulong flowHash) =>
        Takes(pool, loads) is { } chosen ? chosen : fallback.Choose(pool, loads, flowHash);

    public bool ChoosesByFlowAlone(PoolConfig pool, NodeLoads loads) => Takes(pool, loads) is not null || fallback.ChoosesByFlowAlone(pool, loads);

    /// <summary>The rule's node, when it takes new connections.</summary>
    private NodeConfig? Takes(PoolConfig pool, NodeLoads loads) => pool.FindNode(node) is { } chosen && loads.TakesNew(chosen) ? chosen : null;
}
