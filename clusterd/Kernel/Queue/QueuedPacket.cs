using System.Buffers.Binary;
using ClusterControl;

namespace Clusterd.Kernel.Queue;

/// <summary>
/// What the scheduler needs of a queued packet: its id (for the verdict), the mark the queue
/// rule set (which names the cluster rule), and the flow it starts; and when the kernel received
/// it (Unix time in µs), when the kernel stamps packets — for measuring time to verdict.
/// </summary>
public readonly record struct QueuedPacket(uint Id, uint Mark, Flow Flow, long? ArrivalMicroseconds)
{
    /// <summary>Reads an NFQNL_MSG_PACKET's attributes; false when the message is not a usable IPv4 packet.</summary>
    public static bool TryParse(Netlink.NetlinkAttributes attributes, out QueuedPacket packet, out uint id)
    {
        packet = default;
        id = 0;
        uint mark = 0;
        long? arrival = null;
        bool haveId = false;
        Flow flow = default;
        bool haveFlow = false;
        foreach (var attribute in attributes)
        {
            switch (attribute.Type)
            {
                case NfQueueMessages.NFQA_PACKET_HDR when attribute.TryRead(out QueuedPacketHeader header):
                    id = header.PacketId;
                    haveId = true;
                    break;
                case NfQueueMessages.NFQA_MARK:
                    attribute.TryBigEndian32(out mark);
                    break;
                case NfQueueMessages.NFQA_TIMESTAMP when attribute.TryRead(out QueuedPacketTimestamp timestamp):
                    arrival = timestamp.UnixMicroseconds;
                    break;
                case NfQueueMessages.NFQA_PAYLOAD:
                    haveFlow = Flow.TryParseIpv4(attribute.Payload, out flow);
                    break;
            }
        }
        packet = new QueuedPacket(id, mark, flow, arrival);
        return haveId && haveFlow;
    }
}

/// <summary>The 5-tuple of a connection in its original direction.</summary>
public readonly record struct Flow(byte Protocol, Ipv4Address Source, ushort SourcePort, Ipv4Address Destination, ushort DestinationPort)
{
    public const byte Tcp = 6, Udp = 17;

    /// <summary>Reads the IPv4 header and, for TCP and UDP, the ports. Other protocols get ports 0.</summary>
    public static bool TryParseIpv4(ReadOnlySpan<byte> ip, out Flow flow)
    {
        flow = default;
        if (ip.Length < 20 || ip[0] >> 4 != 4) return false;
        int headerLength = (ip[0] & 0x0f) * 4;
        if (headerLength < 20 || ip.Length < headerLength) return false;
        byte protocol = ip[9];
        ushort sourcePort = 0, destinationPort = 0;
        bool fragment = (BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x1fff) != 0;
        if (protocol is Tcp or Udp && !fragment && ip.Length >= headerLength + 4)
        {
            sourcePort = BinaryPrimitives.ReadUInt16BigEndian(ip[headerLength..]);
            destinationPort = BinaryPrimitives.ReadUInt16BigEndian(ip[(headerLength + 2)..]);
        }
        flow = new Flow(protocol, Ipv4Address.ReadNetworkOrder(ip[12..]), sourcePort, Ipv4Address.ReadNetworkOrder(ip[16..]), destinationPort);
        return true;
    }
}
