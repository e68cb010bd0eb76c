using ClusterControl;
using Clusterd.State;

namespace Clusterd.Core;

/// <summary>
/// A configured node and what it is doing: its <paramref name="Health"/>, its <paramref name="Active"/>
/// connections, <paramref name="NewConnections"/> scheduled to it since clusterd started, and their
/// rate over the last seconds (<see cref="ConnectionRates"/>).
/// </summary>
public sealed record NodeActivity(string Pool, NodeConfig Node, NodeHealth Health, int Active, long NewConnections, double PerSecond)
{
    public string StateWord => ClusterWords.StateWord(Node.State, Health.Failed);
}
