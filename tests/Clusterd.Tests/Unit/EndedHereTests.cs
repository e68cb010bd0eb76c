using ClusterControl;
using Clusterd.Core;

namespace Clusterd.Tests.Unit;

/// <summary>The TCP connections clusterd ended itself are known at their next packet, once, and never more than a bounded number of them.</summary>
public sealed class EndedHereTests
{
    private static Flow Tcp(int i) => new(Flow.Tcp, Ipv4Address.Parse($"192.0.{2 + i / 60000}.9"), (ushort)(1024 + i % 60000), Ipv4Address.Parse("1.2.3.4"), 80);

    [Fact]
    public void EachIsKnownOnceAndUdpNever()
    {
        var ended = new EndedHere();
        ended.Add([Tcp(1), Tcp(1) with { Protocol = Flow.Udp }]);

        Assert.False(ended.Take(Tcp(1) with { Protocol = Flow.Udp })); // a datagram is scheduled anyway
        Assert.True(ended.Take(Tcp(1)));
        Assert.False(ended.Take(Tcp(1)));
    }

    [Fact]
    public void TheOldestGoFirstBeyondTheCapacity()
    {
        var ended = new EndedHere();
        ended.Add(Enumerable.Range(0, EndedHere.Capacity + 10).Select(Tcp));

        Assert.Equal(EndedHere.Capacity, ended.Count);
        Assert.False(ended.Take(Tcp(9)));
        Assert.True(ended.Take(Tcp(10)));
    }

    [Fact]
    public void EndingsTakenStillMakeRoomSoMemoryStaysBounded()
    {
        var ended = new EndedHere();
        ended.Add([Tcp(0)]); // never taken
        for (int i = 1; i <= EndedHere.Capacity; i++)
        {
            ended.Add([Tcp(i)]);
            Assert.True(ended.Take(Tcp(i)));
        }

        Assert.False(ended.Take(Tcp(0))); // the oldest of the last Capacity endings went, taken or not
    }
}
