using Clusterd.Core;

namespace Clusterd.Workers;

/// <summary>
/// Keeps the held connections' expiry true to conntrack where no event tells: packets of an
/// established TCP connection or a UDP flow push its entry's timeout on silently. Now and then it
/// dumps the clustered entries, off the request path, and hands them to the core a batch at a time
/// (<see cref="ClusterService.RefreshExpiry"/>); between dumps it waits at least
/// <see cref="MinimumPeriodMs"/>, and <see cref="IdleFactor"/> times what the last dump took, so it
/// costs at most a twentieth of a core however large the table. Not a worker whose health
/// <c>clconfig -ping</c> reports: a dump of a million entries takes longer than a stall, and a late
/// refresh only leaves the Expires column behind. Each whole dump also ends what conntrack's events
/// missed: a connection no dump found live twice in a row stops counting (<see cref="ClusterService.EndAbsent"/>).
/// </summary>
/// <param name="countStarted">When clusterd's start-up count of what conntrack holds began (<see cref="Environment.TickCount64"/>).</param>
/// <param name="countFinished">When it ended: that count was a dump, so the first refresh is spaced after it as after any other.</param>
public sealed class ExpiryRefreshLoop(ClusterService service, IConntrack conntrack, long countStarted, long countFinished) : WorkerLoop("conntrack-expiry")
{
    public const long MinimumPeriodMs = 1000;
    public const int IdleFactor = 19;

    /// <summary>Entries handed to the core under one hold of its lock; the list stays small enough for the ordinary heap.</summary>
    private const int BatchSize = 2048;

    private readonly List<TrackedConnection> _batch = new(BatchSize);
    private long _nextAt = NextDumpAt(countStarted, countFinished);
    /// <summary>A dump failed part-way: the next one answers the same roll call, so a miss counts only for a whole dump.</summary>
    private bool _rollCallOpen;

    /// <summary>When the next dump starts, after one that ran from <paramref name="started"/> to <paramref name="finished"/>.</summary>
    public static long NextDumpAt(long started, long finished) => finished + Math.Max(MinimumPeriodMs, (finished - started) * IdleFactor);

    protected override void RunOnce()
    {
        long wait = _nextAt - Environment.TickCount64;
        if (wait > 0)
        {
            Thread.Sleep((int)Math.Min(wait, StepTimeoutMs));
            return;
        }
        long started = Environment.TickCount64;
        try
        {
            if (!_rollCallOpen) service.StartRollCall();
            _rollCallOpen = true;
            conntrack.VisitClustered(Collect);
            Flush();
            _rollCallOpen = false;
            int absent = service.EndAbsent();
            if (absent > 0) Log.Warn($"{absent} connections conntrack no longer holds stopped counting: their end was missed");
        }
        finally
        {
            _batch.Clear(); // a failed dump's part is dropped; the next one brings it
            _nextAt = NextDumpAt(started, Environment.TickCount64);
        }
    }

    private void Collect(TrackedConnection connection)
    {
        if (connection.IsClosing) return; // no longer held
        _batch.Add(connection);
        if (_batch.Count == BatchSize) Flush();
    }

    private void Flush()
    {
        if (_batch.Count > 0) service.RefreshExpiry(_batch);
        _batch.Clear();
    }

    protected override void Release()
    {
        // reads through IConntrack, which holds nothing between dumps
    }
}
