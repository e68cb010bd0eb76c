using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>Chooses the node for a new connection of a pool, or none when no node may take it.</summary>
/// <remarks><paramref name="flowHash"/> is <see cref="FlowHash.Of"/> of the connection, for policies that place by flow.</remarks>
public interface ISchedulingPolicy
{
    NodeConfig? Choose(PoolConfig pool, NodeLoads loads, ulong flowHash);
}
