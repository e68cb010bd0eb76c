using ClusterControl;
using Clusterd.Kernel.Netlink;
using Clusterd.Core;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;

namespace Clusterd.Kernel.Conntrack;

/// <summary>
/// What clusterd reads of a conntrack entry: its original flow (and the reply flow, which shows any
/// NAT), mark, status bits, remaining timeout, TCP state, and the original direction's sequence
/// adjustment (none unless a NAT helper changed a payload's length).
/// </summary>
public readonly record struct ConntrackEntry(Flow Flow, Flow? Reply, uint Mark, uint Status, uint TimeoutSeconds, byte? TcpState,
    SequenceAdjustment OriginalSequence)
{
    private const uint IPS_SRC_NAT = 1 << 4, IPS_ASSURED = 1 << 2, IPS_SEEN_REPLY = 1 << 1;

    /// <summary>The kernel rewrote the source (masquerading).</summary>
    public bool SourceNatted => (Status & IPS_SRC_NAT) != 0;

    /// <summary>A TCP connection past ESTABLISHED (FIN_WAIT, CLOSE_WAIT, TIME_WAIT, CLOSE…) is ending.</summary>
    public bool IsClosing => TcpState is >= TCP_CONNTRACK_FIN_WAIT and not TCP_CONNTRACK_SYN_SENT2;

    /// <summary>A TCP connection still in its handshake (SYN_SENT, SYN_RECV, or a simultaneous open's SYN_SENT2).</summary>
    public bool IsOpening => TcpState is TCP_CONNTRACK_SYN_SENT or TCP_CONNTRACK_SYN_RECV or TCP_CONNTRACK_SYN_SENT2;

    /// <summary>
    /// A TCP connection whose handshake never completed (never assured) and that is over: its SYN was
    /// answered by a reset, or never answered. What a client of a dead server sees.
    /// </summary>
    public bool HandshakeFailed =>
        Flow.Protocol == Flow.Tcp && (Status & IPS_ASSURED) == 0 && TcpState is TCP_CONNTRACK_SYN_SENT or TCP_CONNTRACK_CLOSE;

    /// <summary>A TCP connection whose SYN has had no answer yet.</summary>
    public bool AwaitsReply => Flow.Protocol == Flow.Tcp && (Status & IPS_SEEN_REPLY) == 0 && TcpState == TCP_CONNTRACK_SYN_SENT;

    public static bool TryParse(NetlinkAttributes attributes, out ConntrackEntry entry)
    {
        entry = default;
        Flow? flow = null, reply = null;
        uint mark = 0, status = 0, timeout = 0;
        byte? tcpState = null;
        SequenceAdjustment originalSequence = default;
        foreach (var attribute in attributes)
        {
            switch (attribute.Type)
            {
                case CTA_TUPLE_ORIG: flow = ParseTuple(attribute.Nested); break;
                case CTA_TUPLE_REPLY: reply = ParseTuple(attribute.Nested); break;
                case CTA_STATUS: attribute.TryBigEndian32(out status); break;
                case CTA_MARK: attribute.TryBigEndian32(out mark); break;
                case CTA_TIMEOUT: attribute.TryBigEndian32(out timeout); break;
                case CTA_PROTOINFO: tcpState = ParseTcpState(attribute.Nested); break;
                case CTA_SEQ_ADJ_ORIG: originalSequence = SequenceAdjustment.Parse(attribute.Nested); break;
            }
        }
        if (flow is null) return false;
        entry = new ConntrackEntry(flow.Value, reply, mark, status, timeout, tcpState, originalSequence);
        return true;
    }

    private static Flow? ParseTuple(NetlinkAttributes tuple)
    {
        Ipv4Address? source = null, destination = null;
        byte protocol = 0;
        ushort sourcePort = 0, destinationPort = 0;
        foreach (var part in tuple)
        {
            if (part.Type == CTA_TUPLE_IP)
            {
                foreach (var ip in part.Nested)
                {
                    if (ip.Payload.Length < 4) continue;
                    if (ip.Type == CTA_IP_V4_SRC) source = Ipv4Address.ReadNetworkOrder(ip.Payload);
                    else if (ip.Type == CTA_IP_V4_DST) destination = Ipv4Address.ReadNetworkOrder(ip.Payload);
                }
            }
            else if (part.Type == CTA_TUPLE_PROTO)
            {
                foreach (var proto in part.Nested)
                {
                    switch (proto.Type)
                    {
                        case CTA_PROTO_NUM: proto.TryByte(out protocol); break;
                        case CTA_PROTO_SRC_PORT: proto.TryBigEndian16(out sourcePort); break;
                        case CTA_PROTO_DST_PORT: proto.TryBigEndian16(out destinationPort); break;
                    }
                }
            }
        }
        return source is { } s && destination is { } d ? new Flow(protocol, s, sourcePort, d, destinationPort) : null;
    }

    private static byte? ParseTcpState(NetlinkAttributes protoInfo)
    {
        foreach (var info in protoInfo)
        {
            if (info.Type != CTA_PROTOINFO_TCP) continue;
            foreach (var tcp in info.Nested)
                if (tcp.Type == CTA_PROTOINFO_TCP_STATE && tcp.TryByte(out byte state)) return state;
        }
        return null;
    }
}
