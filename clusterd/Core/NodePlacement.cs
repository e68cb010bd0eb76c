using ClusterControl;
using Clusterd.State;

namespace Clusterd.Core;

/// <summary>A node and the pool it belongs (or, once deleted, belonged) to.</summary>
public sealed record NodePlacement(NodeConfig Node, string Pool, ForwardMethod Forward);
