using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Clusterd.Scheduling;

namespace Clusterd.Core;

/// <summary>
/// The clustered connections that count as load, following what conntrack holds. A verdict adds a
/// connection as <em>pending</em>: it counts at once (so a burst of new connections still spreads),
/// but it is only a guess, as the kernel may still drop the packet before conntrack confirms it
/// (TTL 1, bad IP options, a forward-chain deny). Conntrack's event for the confirmed entry makes
/// it <em>confirmed</em> — for TCP, the event of its handshake completing: a SYN conntrack holds may
/// be spoofed and never answered, so until then it stays pending (<see cref="Opening"/>). A pending
/// connection no event confirms within <see cref="ConfirmationGrace"/> is forgotten. Conntrack reporting it closing or gone removes it. The per-node counts in
/// <see cref="Loads"/> are exactly the connections held here. Not thread-safe, and no clock
/// inside: the owner serialises and passes the time (milliseconds, any monotonic origin).
/// </summary>
/// <remarks>
/// Connections are also kept in arrival order in an append-only log, so the status file lists them
/// oldest first without sorting. An ended connection leaves a stale log slot (its sequence number no
/// longer matches the table's); the log is compacted when stale slots outnumber live ones. Pending
/// connections are queued by the time they were scheduled or last seen opening (a re-queued one
/// leaves a stale slot behind), so expiring them looks only at the oldest.
/// Each connection also keeps when conntrack will expire it, as conntrack last told: in its events, or in a dump (<see cref="Refresh"/>). The status file is
/// written from it, a page at a time (<see cref="Page"/>), without asking the kernel.
/// After a flood the collections are trimmed: a dictionary or list never gives memory back by itself.
/// Events can still be missed (an overrun's recount races the ones queued, two CPUs deliver a
/// connection's events out of order), so the dumps also take a roll call (<see cref="StartRollCall"/>):
/// a confirmed connection that two dumps in a row did not find live is ended (<see cref="EndAbsent"/>),
/// and the counts cannot drift for longer than that.
/// </remarks>
public sealed class ConnectionTable
{
    /// <summary>
    /// How long a scheduled connection waits for conntrack's confirmation. The kernel confirms an
    /// entry as the first packet leaves the front-end, microseconds after the verdict; the event can
    /// queue behind others for a while under load, and a late one re-adds the connection anyway.
    /// </summary>
    public const long ConfirmationGrace = 2000;

    /// <summary>Pending connections held at most; beyond it the oldest are forgotten, so a flood costs bounded memory.</summary>
    public const int MaxPending = 65_536;

    /// <summary>Below this many entries the collections are never trimmed: it is not worth the copy.</summary>
    private const int TrimFloor = 4096;

    /// <summary>
    /// Trimming away room for this many connections or more ends a flood: worth giving the memory back
    /// at once. The table's own share is small (a few MB), but the flood's events and verdicts grew the
    /// runtime's heap by tens of MB, which it keeps unless told.
    /// </summary>
    private const int FloodSize = 10_000;

    private readonly Dictionary<Flow, Tracked> _flows = [];
    private readonly List<(Flow Flow, long Sequence)> _arrivals = [];
    private readonly Queue<(Flow Flow, long Sequence, long Since)> _pending = new();
    private int _pendingCount;
    private int _peak;
    private long _sequence;
    /// <summary>The number of the roll call under way, modulo 256: each connection keeps the last one it answered.</summary>
    private byte _rollCall;

    public NodeLoads Loads { get; } = new();

    public int Count => _flows.Count;

    /// <summary>Connections scheduled that conntrack has not confirmed yet.</summary>
    public int PendingCount => _pendingCount;

    /// <summary>
    /// A verdict sent a new connection to the node with <paramref name="nodeId"/> at
    /// <paramref name="now"/>; it counts as pending. A flow already held is not counted twice.
    /// </summary>
    public bool Add(Flow flow, int nodeId, long now)
    {
        if (!Hold(flow, nodeId, pending: true, now, Unknown)) return false;
        CountPending(flow, now);
        return true;
    }

    /// <summary>The sequence number of the newest connection: a reader pages up to it (<see cref="Page"/>).</summary>
    public long LastSequence => _sequence;

    /// <summary>
    /// Conntrack holds the connection, on node <paramref name="nodeId"/>, expiring it at
    /// <paramref name="expiresAt"/>, but it is a TCP connection whose handshake has not completed (SYN_SENT, SYN_RECV): it stays pending, and the event of its
    /// ESTABLISHED state confirms it. Its grace starts again from <paramref name="now"/> only when
    /// more than half of it has passed: the event of a connection clusterd scheduled comes
    /// microseconds after the verdict, and a flood should not queue every connection twice. A spoofed SYN's never comes, so a flood of them stops counting within the
    /// grace rather than after conntrack's SYN timeouts (one to two minutes), and no event is added.
    /// </summary>
    public void Opening(Flow flow, int nodeId, long now, long expiresAt)
    {
        if (!_flows.TryGetValue(flow, out var tracked))
        {
            if (Hold(flow, nodeId, pending: true, now, expiresAt)) CountPending(flow, now);
            return;
        }
        MoveToNode(tracked, nodeId);
        // A confirmed connection stays confirmed: this is a late, reordered event.
        if (!tracked.Pending || now - tracked.Since <= ConfirmationGrace / 2)
        {
            _flows[flow] = tracked with { NodeId = nodeId, ExpiresAt = expiresAt, Answered = _rollCall };
            return;
        }
        _flows[flow] = tracked with { NodeId = nodeId, Since = now, ExpiresAt = expiresAt, Answered = _rollCall };
        _pending.Enqueue((flow, tracked.Sequence, now)); // the earlier slot no longer matches and is skipped
    }

    private void CountPending(Flow flow, long now)
    {
        _pending.Enqueue((flow, _sequence, now));
        _pendingCount++;
        if (_pendingCount <= MaxPending) return;
        while (_pendingCount > MaxPending) ForgetOldestPending();
        TidyAfterRemovals();
    }

    private void MoveToNode(Tracked tracked, int nodeId)
    {
        if (tracked.NodeId == nodeId) return;
        Loads.Decrement(tracked.NodeId);
        Loads.Increment(nodeId);
    }

    /// <summary>
    /// Conntrack holds the connection with node id <paramref name="nodeId"/>, expiring it at
    /// <paramref name="expiresAt"/>: a pending one is
    /// confirmed (on the node conntrack says, should a retransmission have been sent elsewhere), one
    /// not held is added as confirmed — its event came after the pending entry expired, or the
    /// connection was never seen scheduled.
    /// </summary>
    public void Confirm(Flow flow, int nodeId, long expiresAt)
    {
        if (_flows.TryGetValue(flow, out var tracked))
        {
            if (tracked.Pending) _pendingCount--;
            MoveToNode(tracked, nodeId);
            _flows[flow] = tracked with { NodeId = nodeId, Pending = false, ExpiresAt = expiresAt, Answered = _rollCall };
            return;
        }
        Hold(flow, nodeId, pending: false, since: 0, expiresAt);
    }

    /// <summary>
    /// A conntrack dump says the connection expires at <paramref name="expiresAt"/>: traffic pushes
    /// an entry's timeout on without an event, so only a dump shows it. A flow not held is passed
    /// over: the dump cannot tell whether it ended since. A held one answers the roll call.
    /// </summary>
    public void Refresh(Flow flow, long expiresAt)
    {
        ref var tracked = ref CollectionsMarshal.GetValueRefOrNullRef(_flows, flow);
        if (!Unsafe.IsNullRef(ref tracked)) tracked = tracked with { ExpiresAt = expiresAt, Answered = _rollCall };
    }

    /// <summary>A dump of every live entry begins: the connections it finds (<see cref="Refresh"/>) answer this roll call.</summary>
    public void StartRollCall() => _rollCall++;

    /// <summary>
    /// After a whole dump: ends the confirmed connections that answered neither its roll call nor
    /// the one before — no dump found them live, no event spoke of them since the one before began,
    /// so their end was missed. Two calls, not one, so an entry a dump skipped once (its bucket
    /// changed under it) still counts. Pending connections are left to their grace. A page at a
    /// time, like <see cref="Page"/>: up to <paramref name="room"/> connections looked at, after
    /// <paramref name="after"/> and up to <paramref name="last"/>, the node ids of those ended added
    /// to <paramref name="ended"/>; returns where to go on after.
    /// </summary>
    public long EndAbsent(long after, long last, int room, List<int> ended)
    {
        var walk = new ArrivalWalk(this, after, last);
        for (; room > 0 && walk.Next(out var flow, out var tracked); room--)
        {
            if (tracked.Pending || (byte)(_rollCall - tracked.Answered) < 2) continue;
            Release(flow, out _);
            ended.Add(tracked.NodeId);
        }
        if (ended.Count > 0) TidyAfterRemovals();
        return walk.Reached;
    }

    /// <summary>The connection ended (or started closing); returns its node id, or null when it was not held.</summary>
    public int? End(Flow flow)
    {
        if (!Release(flow, out var tracked)) return null;
        TidyAfterRemovals();
        return tracked.NodeId;
    }

    /// <summary>
    /// Forgets the pending connections scheduled more than <see cref="ConfirmationGrace"/> before
    /// <paramref name="now"/>: how many, and whether that ended a flood (the collections shrank by
    /// at least <see cref="FloodSize"/> connections; their memory is garbage now).
    /// </summary>
    public Expiry ExpireUnconfirmed(long now)
    {
        int expired = 0;
        while (_pending.TryPeek(out var oldest) && now - oldest.Since > ConfirmationGrace)
            if (ForgetOldestPending()) expired++;
        int capacity = _pending.EnsureCapacity(0); // grows nothing: returns the capacity
        if (capacity > TrimFloor && _pending.Count < capacity / 4) _pending.TrimExcess();
        bool floodEnded = expired > 0 && TidyAfterRemovals();
        return new Expiry(expired, floodEnded);
    }

    /// <summary>
    /// Replaces everything with the <paramref name="count"/> connections a conntrack dump found (all
    /// confirmed), expiring as it said; read as they come, so a dump of a million need not be copied
    /// once more to be counted.
    /// </summary>
    public void Reset(int count, IEnumerable<(Flow Flow, int NodeId, long ExpiresAt)> live)
    {
        _flows.Clear();
        _arrivals.Clear();
        _pending.Clear();
        _pendingCount = 0;
        Loads.Clear();
        _flows.TrimExcess(count);
        _arrivals.Capacity = count;
        _pending.TrimExcess();
        _peak = 0;
        foreach (var (flow, id, expiresAt) in live) Hold(flow, id, pending: false, since: 0, expiresAt);
    }

    /// <summary>
    /// One page of the held connections, oldest first: up to <paramref name="room"/> of those after
    /// sequence number <paramref name="after"/> and up to <paramref name="last"/>, added to
    /// <paramref name="page"/>. Returns the sequence number to ask after next; at
    /// <paramref name="last"/> or beyond, the reader is done. Paging by sequence number rather than
    /// by position keeps a reader's place across the log's compaction between pages, and leaves out
    /// the connections that arrived after the reader began.
    /// </summary>
    public long Page(long after, long last, List<(Flow Flow, int NodeId, long ExpiresAt)> page, int room)
    {
        var walk = new ArrivalWalk(this, after, last);
        for (; room > 0 && walk.Next(out var flow, out var tracked); room--) page.Add((flow, tracked.NodeId, tracked.ExpiresAt));
        return walk.Reached;
    }

    /// <summary>
    /// The held connections in arrival order, after sequence number <c>after</c> and up to
    /// <c>last</c>, passing over the stale slots of those ended. A connection may be released as it
    /// is visited: the log itself is left alone.
    /// </summary>
    private ref struct ArrivalWalk(ConnectionTable table, long after, long last)
    {
        private int _index = table.FirstArrivalAfter(after);
        private long _reached = after;

        /// <summary>Where a walk picking up from here begins: the last slot visited, or <c>last</c> once nothing is left.</summary>
        public readonly long Reached => _index == table._arrivals.Count ? last : _reached;

        public bool Next(out Flow flow, out Tracked tracked)
        {
            while (_index < table._arrivals.Count)
            {
                (flow, long sequence) = table._arrivals[_index];
                if (sequence > last)
                {
                    _reached = last;
                    break;
                }
                _index++;
                _reached = sequence;
                if (table._flows.TryGetValue(flow, out tracked) && tracked.Sequence == sequence) return true;
            }
            flow = default;
            tracked = default;
            return false;
        }
    }

    /// <summary>The position of the first arrival with a sequence number above <paramref name="sequence"/>: the log is in ascending order.</summary>
    private int FirstArrivalAfter(long sequence)
    {
        int low = 0, high = _arrivals.Count;
        while (low < high)
        {
            int middle = low + (high - low) / 2;
            if (_arrivals[middle].Sequence <= sequence) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    private bool Hold(Flow flow, int nodeId, bool pending, long since, long expiresAt)
    {
        long sequence = _sequence + 1;
        if (!_flows.TryAdd(flow, new Tracked(sequence, since, expiresAt, nodeId, pending, _rollCall))) return false;
        _sequence = sequence;
        _arrivals.Add((flow, sequence));
        Loads.Increment(nodeId);
        if (_flows.Count > _peak) _peak = _flows.Count;
        return true;
    }

    private bool Release(Flow flow, out Tracked tracked)
    {
        if (!_flows.Remove(flow, out tracked)) return false;
        if (tracked.Pending) _pendingCount--;
        Loads.Decrement(tracked.NodeId);
        return true;
    }

    /// <summary>Takes the oldest slot off the pending queue; true when it was a connection still pending (now forgotten).</summary>
    private bool ForgetOldestPending()
    {
        var (flow, sequence, since) = _pending.Dequeue();
        if (!_flows.TryGetValue(flow, out var tracked) || tracked.Sequence != sequence || !tracked.Pending || tracked.Since != since) return false;
        return Release(flow, out _);
    }

    /// <summary>
    /// Compacts the log when mostly stale, and trims the collections when far below their high-water
    /// mark; true when that trimmed away room for <see cref="FloodSize"/> connections or more.
    /// </summary>
    private bool TidyAfterRemovals()
    {
        if (_arrivals.Count > 1024 && _arrivals.Count > 2 * _flows.Count) Compact();
        if (_peak <= TrimFloor || _flows.Count > _peak / 4) return false;
        _flows.TrimExcess();
        _arrivals.TrimExcess();
        int released = _peak - _flows.Count;
        _peak = _flows.Count;
        return released >= FloodSize;
    }

    private void Compact() =>
        _arrivals.RemoveAll(arrival => !_flows.TryGetValue(arrival.Flow, out var tracked) || tracked.Sequence != arrival.Sequence);

    /// <summary>The expiry of a connection conntrack has not reported yet (one a verdict just placed).</summary>
    public const long Unknown = long.MinValue;

    /// <param name="Since">For a pending connection, when it was scheduled or last seen opening: its slot in the pending queue.</param>
    /// <param name="ExpiresAt">When conntrack will expire the entry, as it last said (<see cref="Unknown"/>: not yet).</param>
    /// <param name="Answered">The last roll call a dump or an event found the connection live in (<see cref="StartRollCall"/>); a new one answers the current call.</param>
    /// <remarks>The longs first: 32 bytes, where the declaration order of the meaning would pad to 40; the last byte fits in the padding.</remarks>
    private readonly record struct Tracked(long Sequence, long Since, long ExpiresAt, int NodeId, bool Pending, byte Answered);

    /// <summary>What <see cref="ExpireUnconfirmed"/> did.</summary>
    public readonly record struct Expiry(int Expired, bool FloodEnded);
}
