using ClusterControl;
using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>
/// A cluster rule's <c>-V ADDR</c>: every new connection goes to that node. When the node is
/// down (or gone), the pool's <paramref name="fallback"/> picks instead — a node marked down
/// never receives new connections, whatever a rule says.
/// </summary>
public sealed class StaticNodePolicy(Ipv4Address node, ISchedulingPolicy fallback) : ISchedulingPolicy
{
    public NodeConfig? Choose(PoolConfig pool, NodeLoads loads) =>
        pool.FindNode(node) is { } chosen && chosen.TakesNewConnections() ? chosen : fallback.Choose(pool, loads);
}
