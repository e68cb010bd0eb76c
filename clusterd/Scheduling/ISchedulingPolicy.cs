using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>Chooses the node for a new connection of a pool, or none when no node may take it.</summary>
public interface ISchedulingPolicy
{
    NodeConfig? Choose(PoolConfig pool, NodeLoads loads);
}
