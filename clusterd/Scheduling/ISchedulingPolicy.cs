using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>Chooses the node for a new connection of a pool, or none when no node may take it.</summary>
/// <remarks><paramref name="flowHash"/> is <see cref="FlowHash.Of"/> of the connection, for policies that place by flow.</remarks>
public interface ISchedulingPolicy
{
    NodeConfig? Choose(PoolConfig pool, NodeLoads loads, ulong flowHash);

    /// <summary>
    /// Whether the choice for a flow depends on nothing one front-end counted or remembered: every
    /// front-end with the same configuration and node health makes it alike, so it finds the node
    /// of a connection begun through another.
    /// </summary>
    bool ChoosesByFlowAlone(PoolConfig pool, NodeLoads loads);
}
