using System.Buffers.Binary;
using Clusterd.Core;

namespace Clusterd.Kernel.Queue;

/// <summary>
/// What the scheduler needs of a queued packet: its id (for the verdict), the mark the queue
/// rule set (which names the cluster rule), what kind of packet it is and the flow it starts; and
/// when the kernel received it (Unix time in µs), when the kernel stamps packets — for measuring
/// time to verdict.
/// </summary>
public readonly record struct QueuedPacket(uint Id, uint Mark, PacketKind Kind, Flow Flow, long? ArrivalMicroseconds)
{
    /// <summary>
    /// Reads an NFQNL_MSG_PACKET's attributes, whatever they hold; false when the message carries no
    /// packet id, so no verdict can answer it. Otherwise <see cref="Kind"/> tells what the payload is.
    /// </summary>
    public static bool TryParse(Netlink.NetlinkAttributes attributes, out QueuedPacket packet)
    {
        uint id = 0, mark = 0;
        long? arrival = null;
        bool haveId = false;
        Flow flow = default;
        var kind = PacketKind.NotIpv4; // no payload
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
                    kind = Flow.Read(attribute.Payload, out flow);
                    break;
            }
        }
        packet = new QueuedPacket(id, mark, haveId ? kind : PacketKind.NoPacketId, flow, arrival);
        return haveId;
    }
}
