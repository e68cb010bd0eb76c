using System.Collections.Immutable;

namespace ClusterControl;

/// <summary>The answer body of <see cref="ControlOp.Rate"/> as JSON: every node with its connections and their rate.</summary>
public sealed record RateReport(ImmutableArray<NodeRate> Nodes);

/// <summary>
/// One node: its <paramref name="State"/> word (up, down, …), the <paramref name="Connections"/> it holds, the <paramref name="Total"/> of new
/// connections sent to it since clusterd started, and <paramref name="PerSecond"/>, their rate over
/// the last 3 to 4 seconds.
/// </summary>
public sealed record NodeRate(string Pool, Ipv4Address Node, string State, int Cost, int Connections, long Total, double PerSecond);
