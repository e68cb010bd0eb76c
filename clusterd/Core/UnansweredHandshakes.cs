namespace Clusterd.Core;

/// <summary>
/// Passive checking of nodes that do not answer: new TCP connections to checked nodes whose SYN
/// conntrack has not yet seen answered, oldest first. One still unanswered after
/// <see cref="Patience"/> counts as a failed check of its node, long before conntrack would give
/// up on it (two minutes). Not thread-safe; no clock inside: the owner passes the time in ms.
/// </summary>
public sealed class UnansweredHandshakes
{
    /// <summary>How long a SYN may wait for the node's answer. A live node answers in well under a millisecond on a LAN, a loaded one in a few.</summary>
    public const long Patience = 1000;

    /// <summary>Connections watched at most, so that a flood costs bounded memory (beyond it, new ones go unwatched).</summary>
    public const int MaxWatched = 65_536;

    private readonly Dictionary<Flow, int> _watched = [];
    private readonly Queue<(Flow Flow, long Since)> _order = new();

    public int Count => _watched.Count;

    /// <summary>Conntrack holds <paramref name="flow"/> to node <paramref name="nodeId"/> with its SYN unanswered.</summary>
    public void Watch(Flow flow, int nodeId, long now)
    {
        if (_order.Count >= MaxWatched || !_watched.TryAdd(flow, nodeId)) return;
        _order.Enqueue((flow, now));
    }

    /// <summary>The node answered (or the connection ended, which passive checking judges by itself).</summary>
    public void Forget(Flow flow) => _watched.Remove(flow);

    /// <summary>
    /// Takes the oldest connection unanswered for <see cref="Patience"/> by <paramref name="now"/>
    /// (its node id and flow), and stops watching it; false when none is. Called until false, by a
    /// loop that allocates nothing, as it runs after every batch of conntrack events.
    /// </summary>
    public bool TryTakeOverdue(long now, out int nodeId, out Flow flow)
    {
        while (_order.TryPeek(out var oldest) && now - oldest.Since >= Patience)
        {
            _order.Dequeue();
            if (_watched.Remove(oldest.Flow, out nodeId))
            {
                flow = oldest.Flow;
                return true;
            }
        }
        (nodeId, flow) = (0, default);
        return false;
    }
}
