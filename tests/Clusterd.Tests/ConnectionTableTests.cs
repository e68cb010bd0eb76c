using ClusterControl;
using Clusterd.Core;

namespace Clusterd.Tests;

public class ConnectionTableTests
{
    private static Flow Flow(ushort port) => new(Core.Flow.Tcp, Ipv4Address.Parse("192.0.2.2"), port, Ipv4Address.Parse("1.2.3.4"), 80);

    [Fact]
    public void CountsEachFlowOnceAndFallsWhenItEnds()
    {
        var table = new ConnectionTable();
        Assert.True(table.Add(Flow(1000), 1, 0));
        Assert.False(table.Add(Flow(1000), 1, 0)); // a retransmitted SYN
        table.Add(Flow(1001), 2, 0);
        Assert.Equal((1, 1), (table.Loads[1], table.Loads[2]));
        Assert.Equal(1, table.End(Flow(1000)));
        Assert.Null(table.End(Flow(1000)));      // closing, then destroyed: counted down once
        Assert.Equal((0, 1), (table.Loads[1], table.Loads[2]));
    }

    [Fact]
    public void ListsOldestFirst()
    {
        var table = new ConnectionTable();
        for (ushort port = 2000; port > 1990; port--) table.Add(Flow(port), port % 3 + 1, 0);
        Assert.Equal(Enumerable.Range(1991, 10).Reverse().Select(p => (ushort)p), OldestFirst(table).Select(p => p.Flow.SourcePort));
    }

    [Fact]
    public void ResetReplacesEverything()
    {
        var table = new ConnectionTable();
        table.Add(Flow(1), 1, 0);
        table.Reset(2, [(Flow(2), 2, 0), (Flow(3), 2, 0)]);
        Assert.Equal((0, 2, 2), (table.Loads[1], table.Loads[2], table.Count));
    }

    [Fact]
    public void OrderSurvivesChurnAndCompaction()
    {
        var table = new ConnectionTable();
        for (ushort port = 1; port <= 5000; port++) table.Add(Flow(port), 1, 0);
        for (ushort port = 1; port <= 5000; port++)
            if (port % 5 != 0) table.End(Flow(port));
        table.Add(Flow(1), 2, 0); // a port reused after its first connection ended is the newest
        var order = OldestFirst(table).Select(p => p.Flow.SourcePort).ToList();
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (ushort)(i * 5)).Append((ushort)1), order);
        Assert.Equal(1001, table.Count);
    }

    private const long Grace = ConnectionTable.ConfirmationGrace;

    [Fact]
    public void PendingCountsAtOnceAndExpiresUnlessConfirmed()
    {
        var table = new ConnectionTable();
        table.Add(UdpFlow(1), 1, now: 0);
        table.Add(UdpFlow(2), 1, now: 10);
        Assert.Equal((2, 2), (table.Loads[1], table.PendingCount)); // a burst spreads before any confirmation
        table.Confirm(UdpFlow(2), 1, Expiry);
        Assert.Equal(0, table.ExpireUnconfirmed(now: Grace).Expired);       // not older than the grace yet
        Assert.Equal(1, table.ExpireUnconfirmed(now: Grace + 1).Expired);
        Assert.Equal((1, 0, 1), (table.Loads[1], table.PendingCount, table.Count));
        Assert.Equal(0, table.ExpireUnconfirmed(now: 10 * Grace).Expired);  // confirmed ones never expire
        Assert.Equal(UdpFlow(2), Assert.Single(OldestFirst(table)).Flow);
    }

    [Fact]
    public void ConfirmationFollowsConntracksNode()
    {
        var table = new ConnectionTable();
        table.Add(UdpFlow(1), 1, now: 0);
        table.Confirm(UdpFlow(1), 2, Expiry); // a retransmitted SYN was sent elsewhere and that one got through
        Assert.Equal((0, 1), (table.Loads[1], table.Loads[2]));
        table.Confirm(UdpFlow(1), 2, Expiry); // an update event: nothing changes
        Assert.Equal((1, 0), (table.Count, table.PendingCount));
    }

    [Fact]
    public void LateEventAddsTheConnectionConfirmed()
    {
        var table = new ConnectionTable();
        table.Add(UdpFlow(1), 1, now: 0);
        table.ExpireUnconfirmed(now: Grace + 1);
        Assert.Equal(0, table.Loads[1]);
        table.Confirm(UdpFlow(1), 1, Expiry);  // its new event queued behind a flood
        table.Confirm(UdpFlow(9), 3, Expiry);  // never seen scheduled (e.g. before a restart)
        Assert.Equal((1, 1, 0), (table.Loads[1], table.Loads[3], table.PendingCount));
        Assert.Equal(0, table.ExpireUnconfirmed(now: 100 * Grace).Expired);
        Assert.Equal(1, table.End(UdpFlow(1)));
        Assert.Equal(0, table.Loads[1]);
    }

    [Fact]
    public void PendingSetIsCappedOldestFirst()
    {
        var table = new ConnectionTable();
        int flood = ConnectionTable.MaxPending + 100;
        for (int i = 0; i < flood; i++) table.Add(UdpFlow(i), 1, now: i / 1000);
        Assert.Equal((ConnectionTable.MaxPending, ConnectionTable.MaxPending), (table.PendingCount, table.Loads[1]));
        var oldest = OldestFirst(table)[0].Flow;
        Assert.Equal(UdpFlow(100), oldest);
    }

    [Fact]
    public void AnOpeningConnectionCountsOnlyUntilTheGraceAfterItsLastSignUnlessEstablished()
    {
        var table = new ConnectionTable();
        table.Add(UdpFlow(1), 1, now: 0);           // scheduled
        table.Opening(UdpFlow(1), 2, now: 1500, Expiry);   // conntrack holds its SYN, on the node it says
        Assert.Equal((0, 1, 1), (table.Loads[1], table.Loads[2], table.PendingCount));
        Assert.Equal(0, table.ExpireUnconfirmed(now: Grace + 1).Expired); // the grace runs from the SYN's event
        Assert.Equal(1, table.ExpireUnconfirmed(now: 1500 + Grace + 1).Expired); // never answered: a spoofed SYN's
        Assert.Equal((0, 0, 0), (table.Loads[2], table.PendingCount, table.Count));

        table.Add(UdpFlow(2), 1, now: 5000);
        table.Opening(UdpFlow(2), 1, now: 5001, Expiry);
        table.Confirm(UdpFlow(2), 1, Expiry);               // its handshake completed
        Assert.Equal(0, table.ExpireUnconfirmed(now: 100 * Grace).Expired);
        Assert.Equal((1, 0), (table.Loads[1], table.PendingCount));
        table.Opening(UdpFlow(2), 1, now: 100 * Grace, Expiry); // a late, reordered event does not make it pending again
        Assert.Equal(0, table.ExpireUnconfirmed(now: 200 * Grace).Expired);
    }

    [Fact]
    public void OpeningConnectionsNeverScheduledArePendingAndCapped()
    {
        var table = new ConnectionTable();
        int flood = ConnectionTable.MaxPending + 100; // SYNs the kernel's fallback placed while the queue was full
        for (int i = 0; i < flood; i++) table.Opening(UdpFlow(i), 1, now: i / 1000, Expiry);
        Assert.Equal((ConnectionTable.MaxPending, ConnectionTable.MaxPending), (table.PendingCount, table.Loads[1]));
        Assert.True(table.ExpireUnconfirmed(now: flood / 1000 + Grace + 1).FloodEnded);
        Assert.Equal((0, 0), (table.Loads[1], table.Count));
    }

    [Fact]
    public void FloodLeavesNothingBehind()
    {
        var table = new ConnectionTable();
        table.Add(UdpFlow(1), 2, now: 0);
        table.Confirm(UdpFlow(1), 2, Expiry);
        for (int i = 0; i < 200_000; i++) table.Add(UdpFlow(i + 2), 1, now: i / 100);
        Assert.True(table.ExpireUnconfirmed(now: 200_000 / 100 + Grace + 1).FloodEnded);
        Assert.Equal((0, 1, 1, 0), (table.Loads[1], table.Loads[2], table.Count, table.PendingCount));
        Assert.Equal(UdpFlow(1), Assert.Single(OldestFirst(table)).Flow);
    }

    /// <summary>An expiry for the tests that are not about it.</summary>
    private const long Expiry = 1_000_000;

    /// <summary>Every held connection, oldest first, read a page at a time as the status file reads them.</summary>
    private static List<(Flow Flow, int NodeId, long ExpiresAt)> OldestFirst(ConnectionTable table, int room = 7)
    {
        var held = new List<(Flow, int, long)>();
        long last = table.LastSequence;
        for (long after = 0; after < last;) after = table.Page(after, last, held, room);
        return held;
    }

    [Fact]
    public void EachConnectionExpiresAsConntrackLastSaid()
    {
        var table = new ConnectionTable();
        table.Add(UdpFlow(1), 1, now: 0);
        Assert.Equal(ConnectionTable.Unknown, OldestFirst(table)[0].ExpiresAt); // placed by a verdict: conntrack has not said yet
        table.Opening(UdpFlow(1), 1, now: 10, expiresAt: 120_010);           // its new event
        Assert.Equal(120_010, OldestFirst(table)[0].ExpiresAt);
        table.Confirm(UdpFlow(1), 1, expiresAt: 432_000_050);                 // its update event, established
        table.Refresh(UdpFlow(1), expiresAt: 432_009_000);                    // traffic moved it on, a dump shows
        table.Refresh(UdpFlow(2), expiresAt: 5);                              // a flow not held stays so
        Assert.Equal((UdpFlow(1), 1, 432_009_000L), Assert.Single(OldestFirst(table)));
        table.Reset(1, [(UdpFlow(3), 2, 77)]);
        Assert.Equal((UdpFlow(3), 2, 77L), Assert.Single(OldestFirst(table)));
    }

    [Fact]
    public void PagesKeepTheirPlaceAcrossCompactionAndStopAtTheReadersStart()
    {
        var table = new ConnectionTable();
        for (int i = 0; i < 5000; i++) table.Confirm(UdpFlow(i), 1, Expiry);
        long last = table.LastSequence;
        var page = new List<(Flow Flow, int NodeId, long ExpiresAt)>();
        long after = table.Page(0, last, page, room: 1000);
        Assert.Equal(Enumerable.Range(0, 1000).Select(UdpFlow), page.Select(p => p.Flow));
        for (int i = 0; i < 4000; i++) table.End(UdpFlow(i)); // the log compacts: positions move, sequence numbers do not
        table.Confirm(UdpFlow(9999), 1, Expiry);            // arrived after the reader began
        page.Clear();
        while (after < last) after = table.Page(after, last, page, room: 300);
        Assert.Equal(Enumerable.Range(4000, 1000).Select(UdpFlow), page.Select(p => p.Flow));
    }

    [Fact]
    public void AConnectionNoDumpFindsLiveTwiceInARowStopsCounting()
    {
        var table = new ConnectionTable();
        table.Confirm(Flow(1), 1, Expiry); // live throughout
        table.Confirm(Flow(2), 1, Expiry); // its end is missed
        table.Add(Flow(3), 2, now: 0);     // pending: left to its grace
        table.Confirm(Flow(4), 2, Expiry); // one dump skips it, an event speaks for it, then it is gone

        Assert.Empty(RollCall(table, Flow(1)));      // the dump found neither 2 nor 4: a single miss is forgiven
        table.Confirm(Flow(4), 2, Expiry);           // an event after it
        Assert.Equal([1], RollCall(table, Flow(1))); // 2, missed twice in a row; 4 is live since the first dump
        Assert.Equal([2], RollCall(table, Flow(1))); // 4, missed by the two dumps after its event
        Assert.Equal((1, 1), (table.Loads[1], table.Loads[2]));
        Assert.Equal([Flow(1), Flow(3)], OldestFirst(table).Select(c => c.Flow));
    }

    [Fact]
    public void TheRollCallGoesByPagesAndSparesConnectionsArrivedDuringTheDump()
    {
        var table = new ConnectionTable();
        for (int i = 0; i < 3000; i++) table.Confirm(UdpFlow(i), 1, Expiry);
        table.StartRollCall();
        table.StartRollCall();                // two dumps found none of them
        table.Confirm(UdpFlow(5000), 1, Expiry); // arrived during the second
        var ended = new List<int>();
        long after = 0, last = table.LastSequence, pages = 0;
        for (; after < last; pages++) after = table.EndAbsent(after, last, room: 1000, ended);
        Assert.Equal((3000, 4L), (ended.Count, pages));
        Assert.Equal(UdpFlow(5000), Assert.Single(OldestFirst(table)).Flow);
    }

    /// <summary>A dump that finds the <paramref name="live"/> connections, and the roll call after it: the node ids of those it ended.</summary>
    private static List<int> RollCall(ConnectionTable table, params Flow[] live)
    {
        table.StartRollCall();
        foreach (var flow in live) table.Refresh(flow, Expiry);
        var ended = new List<int>();
        table.EndAbsent(0, table.LastSequence, room: 100, ended);
        return ended;
    }

    private static Flow UdpFlow(int i) =>
        new(Core.Flow.Udp, Ipv4Address.Parse($"192.0.{2 + i / 60000 % 250}.2"), (ushort)(1024 + i % 60000), Ipv4Address.Parse("1.2.3.4"), 53);
}
