using System.Diagnostics;
using Clusterd.Core;

namespace Clusterd.Workers;

/// <summary>
/// Keeps the held connections' expiry true to conntrack where no event tells: packets of an
/// established TCP connection or a UDP flow push its entry's timeout on silently. Now and then it
/// reads the held connections' entries, off the request path, and hands them to the core a batch at
/// a time (<see cref="ClusterService.RefreshExpiry"/>): by looking each up, or by dumping the
/// clustered entries, whichever costs less (<see cref="RefreshCost"/>) — a dump walks the whole hash
/// table, so a few connections held in a table sized for a million are looked up. Between reads it
/// waits at least <see cref="MinimumPeriodMs"/>, and <see cref="IdleFactor"/> times what the last
/// took, so it costs at most a twentieth of a core however large the table. Not a worker whose
/// health <c>clconfig -ping</c> reports: a dump of a million entries takes longer than a stall, and a
/// late refresh only leaves the Expires column behind. Each whole read also ends what conntrack's
/// events missed: a connection no read found live twice in a row stops counting (<see cref="ClusterService.EndAbsent"/>).
/// </summary>
/// <param name="countStarted">When clusterd's start-up count of what conntrack holds began (<see cref="Environment.TickCount64"/>).</param>
/// <param name="countFinished">When it ended: that count was a dump, so the first refresh is spaced after it as after any other, and tells what a dump costs.</param>
public sealed class ExpiryRefreshLoop(ClusterService service, IConntrack conntrack, long countStarted, long countFinished) : WorkerLoop("conntrack-expiry")
{
    public const long MinimumPeriodMs = 1000;
    public const int IdleFactor = 19;

    /// <summary>Entries handed to the core, or held connections read from it, under one hold of its lock; the lists stay small enough for the ordinary heap.</summary>
    private const int BatchSize = 2048;

    private readonly List<TrackedConnection> _batch = new(BatchSize);
    private readonly List<HeldConnection> _page = new(BatchSize);
    /// <summary>The flows to look up this time.</summary>
    private readonly List<Flow> _held = [];
    private readonly RefreshCost _cost = new(TimeSpan.FromMilliseconds(countFinished - countStarted));
    private long _nextAt = NextReadAt(countStarted, countFinished);
    /// <summary>A read failed part-way: the next one answers the same roll call, so a miss counts only for a whole read.</summary>
    private bool _rollCallOpen;

    /// <summary>When the next read starts, after one that ran from <paramref name="started"/> to <paramref name="finished"/>.</summary>
    public static long NextReadAt(long started, long finished) => finished + Math.Max(MinimumPeriodMs, (finished - started) * IdleFactor);

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
            ReadHeld();
            Flush();
            _rollCallOpen = false;
            int absent = service.EndAbsent();
            if (absent > 0) Log.Warn($"{absent} connections conntrack no longer holds stopped counting: their end was missed");
        }
        finally
        {
            _batch.Clear(); // a failed read's part is dropped; the next one brings it
            _nextAt = NextReadAt(started, Environment.TickCount64);
        }
    }

    /// <summary>Reads the held connections' entries the cheaper way, and times it.</summary>
    private void ReadHeld()
    {
        var timer = Stopwatch.StartNew();
        if (GatherHeld(_cost.LookupLimit))
        {
            conntrack.LookUpClustered(_held, Collect);
            _cost.LookedUp(_held.Count, timer.Elapsed);
            return;
        }
        timer.Restart();
        conntrack.VisitClustered(Collect);
        _cost.Dumped(timer.Elapsed);
    }

    /// <summary>The held connections' flows, into <see cref="_held"/>; false when there are more than <paramref name="limit"/>, or one that cannot be looked up.</summary>
    private bool GatherHeld(int limit)
    {
        _held.Clear();
        long last = service.LastConnection;
        for (long after = 0; after < last;)
        {
            _page.Clear();
            after = service.ConnectionsPage(after, last, _page, BatchSize);
            foreach (var connection in _page)
            {
                if (_held.Count == limit || !connection.Flow.HasPorts) return false;
                _held.Add(connection.Flow);
            }
        }
        return true;
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
