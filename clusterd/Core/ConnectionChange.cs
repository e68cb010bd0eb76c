namespace Clusterd.Core;

/// <summary>What conntrack reported of one clustered connection: it holds it, on node <see cref="NodeId"/>, or it ended (closing or destroyed).</summary>
public readonly record struct ConnectionChange(Flow Flow, int NodeId, bool Ended);
