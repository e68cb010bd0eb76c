using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Clusterd.Core;
using Clusterd.Kernel;
using Clusterd.Kernel.Conntrack;
using Clusterd.Kernel.Netlink;

namespace Clusterd.Workers;

/// <summary>
/// Makes the load follow conntrack: a new or updated entry with a node mark confirms its connection
/// (or adds it, when its event comes late) — a TCP entry once its handshake is done, before which
/// it keeps counting only for the pending grace (the handshake's own update event confirms it, so
/// this costs no extra event); a TCP connection starting to close, or any connection
/// being destroyed, no longer counts. Between batches (at least every 250 ms) scheduled connections
/// conntrack never confirmed are expired. If the kernel dropped events (socket overrun), the whole
/// view is rebuilt from a conntrack dump, so counts never drift. Each event of a held connection
/// carries the seconds conntrack gives it, which the status file shows. A connection that ends before its
/// handshake completed is reported as such: passive health checking.
/// </summary>
public sealed class ConnectionEndLoop(ClusterService service, IConntrack conntrack) : WorkerLoop("conntrack-events")
{
    private readonly ConntrackEvents _events = new();
    /// <summary>The changes of one batch of events, handed to the core together.</summary>
    private readonly List<ConnectionChange> _batch = [];
    /// <summary><see cref="Collect"/> as a delegate made once, not per batch: under a flood a batch comes every few events.</summary>
    private Action<ConntrackChange, ConntrackEntry>? _collect;
    private long _overruns;
    /// <summary>Flows ended by the last orders, whose reverse tuples are deleted once more at <see cref="_sweepAgainAt"/>.</summary>
    private List<Flow> _sweepAgain = [];
    private long _sweepAgainAt;
    /// <summary>Long enough for the answers on their way when the entries went to have arrived (a LAN's round trip, many times over).</summary>
    private const int SweepAgainAfterMs = 100;
    /// <summary>
    /// How long the events after a batch that emptied the socket are left to gather before the next read. A
    /// connection's events come one at a time over its life (the handshake's, the close's), and waking the thread
    /// for each cost more than reading it: at 1000 connections a second, 48 µs of this thread per connection read
    /// as they came, 18 µs gathered. Ends and confirmations are applied at most this much later, which no load count
    /// notices; a full batch is followed at once, so a flood is read as fast as before.
    /// </summary>
    private const int GatherMs = 2;

    /// <summary>How often the kernel dropped events (socket overrun) since clusterd started; each was followed by a recount.</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    /// <summary>
    /// Rebuilds the connection view from conntrack: at start (connections made before a restart
    /// still count), and after lost events. Call it on the loop's own thread or before
    /// <see cref="WorkerLoop.Start"/>, never beside a running loop: the events already subscribed to
    /// must be applied after the count, which replaces everything (an end applied before it, of a
    /// connection the dump still saw, would be undone for good).
    /// </summary>
    public void Resynchronise()
    {
        Recount();
        // A dump of a large table leaves tens of megabytes of garbage, collected once Recount has
        // returned: a method that runs once runs unoptimised, and that keeps its locals (the dump)
        // alive to its end.
        GiveMemoryBack();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Recount()
    {
        // A connection still opening counts once its handshake's event comes: it may be a spoofed SYN's.
        var live = conntrack.Clustered().Where(c => !c.IsClosing && !c.IsOpening).ToList();
        service.ResetConnections(live);
        Log.Debug(1, $"conntrack holds {live.Count} clustered connections");
    }

    /// <summary>Returns garbage to the system now rather than carry it for the daemon's lifetime; only after rare, large releases.</summary>
    private static void GiveMemoryBack() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    protected override void RunOnce()
    {
        try
        {
            _batch.Clear();
            int read = _events.ProcessBatch(_collect ??= Collect, StepTimeoutMs);
            if (_batch.Count > 0) service.ConnectionsChanged(CollectionsMarshal.AsSpan(_batch));
            if (service.ExpireUnconfirmed()) GiveMemoryBack(); // a flood of unconfirmed connections is over
            EndConnections(Environment.TickCount64);
            if (read > 0 && read < _events.BatchSlots) Thread.Sleep(GatherMs); // the socket is empty: let the next events gather
        }
        catch (NetlinkException e) when (e.Errno == NetlinkException.ENOBUFS)
        {
            Interlocked.Increment(ref _overruns);
            Log.Warn("conntrack events were lost; recounting from conntrack");
            _events.DiscardWaiting();
            Resynchronise();
        }
    }

    /// <summary>Ends what the core ordered ended; the reverse tuples of the flows ended are swept once more a little later (see <see cref="NodeEnding.Apply"/>).</summary>
    private void EndConnections(long nowMs)
    {
        if (_sweepAgain.Count > 0 && nowMs >= _sweepAgainAt)
        {
            var again = _sweepAgain;
            _sweepAgain = [];
            conntrack.Delete(NodeEnding.Reversed(again));
        }
        var ended = NodeEnding.Apply(conntrack, service.TakeEndings(nowMs));
        if (ended.Count == 0) return;
        service.Ended(ended);
        _sweepAgain = [.. _sweepAgain, .. ended];
        _sweepAgainAt = nowMs + SweepAgainAfterMs;
    }

    private void Collect(ConntrackChange change, ConntrackEntry entry)
    {
        bool ended = change == ConntrackChange.Destroyed || entry.IsClosing;
        _batch.Add(new ConnectionChange(entry.Flow, Marks.NodeOf(entry.Mark), ended, Opening: !ended && entry.IsOpening)
        {
            HandshakeFailed = ended && entry.HandshakeFailed,
            AwaitsReply = !ended && entry.AwaitsReply,
            TimeoutSeconds = entry.TimeoutSeconds,
        });
    }

    protected override void Release() => _events.Dispose();
}
