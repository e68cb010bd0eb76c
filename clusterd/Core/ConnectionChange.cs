namespace Clusterd.Core;

/// <summary>What conntrack reported of one clustered connection: it holds it, on node <see cref="NodeId"/>, or it ended (closing or destroyed).</summary>
public readonly record struct ConnectionChange(Flow Flow, int NodeId, bool Ended)
{
    /// <summary>It ended before its TCP handshake completed (reset, or no answer): a failed check of its node.</summary>
    public bool HandshakeFailed { get; init; }

    /// <summary>It is a TCP connection whose SYN the node has not answered yet.</summary>
    public bool AwaitsReply { get; init; }
}
