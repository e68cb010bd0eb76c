using ClusterControl;
using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>Which nodes may be given new connections: the one place every scheduler asks.</summary>
public static class NodeEligibility
{
    public static bool TakesNewConnections(NodeConfig node) => node.State == NodeState.Up;
}
