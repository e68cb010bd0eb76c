namespace Clusterd.Core;

/// <summary>
/// What a packet from the queue turned out to be, which decides its verdict; each kind is counted
/// (<see cref="PacketCounters"/>). The first that applies, in this order, is the packet's kind.
/// </summary>
public enum PacketKind
{
    /// <summary>The queue message had no packet id: it cannot be answered.</summary>
    NoPacketId,
    /// <summary>No cluster rule's mark: not clusterd's to decide; accepted unchanged.</summary>
    Untagged,
    /// <summary>No payload, shorter than an IPv4 header, or not version 4: dropped.</summary>
    NotIpv4,
    /// <summary>A header length under 20 bytes or beyond the bytes copied: dropped.</summary>
    BadHeaderLength,
    /// <summary>A fragment other than the first, which cannot start a connection (conntrack reassembles before the queue): dropped.</summary>
    Fragment,
    /// <summary>TCP or UDP without room for its ports: dropped, as its flow cannot be known.</summary>
    Truncated,
    /// <summary>
    /// The IPv4 header checksum is wrong. The kernel checked it on receipt, so this is counted only,
    /// and the packet scheduled like any other: the kernel, not clusterd, judges what it forwards.
    /// </summary>
    BadChecksum,
    /// <summary>Neither TCP nor UDP (ICMP, GRE…): scheduled by its addresses, ports 0.</summary>
    OtherProtocol,
    /// <summary>
    /// TCP without SYN: conntrack picked the connection up in mid-stream — it began through another
    /// front-end whose conntrackd has not committed it here yet, or before conntrack's table was
    /// flushed. Scheduled only where every front-end chooses alike (<see cref="ClusterService.Schedule"/>), else dropped.
    /// </summary>
    MidStream,
    /// <summary>TCP or UDP with IP options: scheduled (the kernel then applies or refuses the options).</summary>
    IpOptions,
    /// <summary>TCP or UDP, a plain header: scheduled.</summary>
    Ordinary,
}

public static class PacketKinds
{
    /// <summary>The kinds whose flow is known: they are scheduled to a node.</summary>
    public static bool IsSchedulable(this PacketKind kind) => kind >= PacketKind.BadChecksum;

    /// <summary>The kind's name in <c>clconfig -status --json</c>.</summary>
    public static string JsonName(this PacketKind kind)
    {
        string name = kind.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
