namespace Clusterd.Core;

/// <summary>
/// What conntrack reported of one clustered connection: it holds it, on node <see cref="NodeId"/>,
/// or it ended (closing or destroyed). <see cref="Opening"/>: it holds a TCP connection whose
/// handshake has not completed.
/// </summary>
public readonly record struct ConnectionChange(Flow Flow, int NodeId, bool Ended, bool Opening = false)
{
    /// <summary>It ended before its TCP handshake completed (reset, or no answer): a failed check of its node.</summary>
    public bool HandshakeFailed { get; init; }

    /// <summary>It is a TCP connection whose SYN the node has not answered yet.</summary>
    public bool AwaitsReply { get; init; }

    /// <summary>The seconds conntrack gives the entry from now (an event of a held connection carries them).</summary>
    public uint TimeoutSeconds { get; init; }
}
