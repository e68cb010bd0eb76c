using ClusterControl;
using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Bench;

/// <summary>
/// Creates established TCP conntrack entries carrying node marks, through ctnetlink, thousands per
/// send — the quickest honest way to give clusterd a table of a million connections to report.
/// </summary>
public static class ConntrackFiller
{
    private const byte IPCTNL_MSG_CT_NEW = 0;
    private const ushort CTA_TUPLE_ORIG = 1, CTA_TUPLE_REPLY = 2, CTA_STATUS = 3, CTA_PROTOINFO = 4, CTA_TIMEOUT = 7, CTA_MARK = 8;
    private const ushort CTA_TUPLE_IP = 1, CTA_TUPLE_PROTO = 2, CTA_IP_V4_SRC = 1, CTA_IP_V4_DST = 2;
    private const ushort CTA_PROTO_NUM = 1, CTA_PROTO_SRC_PORT = 2, CTA_PROTO_DST_PORT = 3;
    private const ushort CTA_PROTOINFO_TCP = 1, CTA_PROTOINFO_TCP_STATE = 1;
    private const uint IPS_SEEN_REPLY = 1 << 1, IPS_ASSURED = 1 << 2, IPS_CONFIRMED = 1 << 3;
    private const byte TCP_CONNTRACK_ESTABLISHED = 3;

    /// <summary>A netlink send must fit the socket send buffer (about 200 KiB by default).</summary>
    private const int BatchBytes = 64 * 1024;

    /// <summary>Adds <paramref name="count"/> entries client:port → shared:80, spread over <paramref name="nodeMarks"/>.</summary>
    public static void Fill(int count, Ipv4Address shared, IReadOnlyList<uint> nodeMarks)
    {
        using var socket = new NetlinkSocket();
        var writer = new NetlinkWriter(BatchBytes + 1024);
        for (int i = 0; i < count; i++)
        {
            // 198.18.0.0/15 (benchmarking addresses) give 2^17 sources × 60000 ports.
            var client = new Ipv4Address(0xc6120000u + (uint)(i / 60000));
            ushort port = (ushort)(1024 + i % 60000);
            writer.Begin(MessageType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW),
                NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK, AF_INET, 0);
            Tuple(writer, CTA_TUPLE_ORIG, client, port, shared, 80);
            Tuple(writer, CTA_TUPLE_REPLY, shared, 80, client, port);
            writer.BigEndian32(CTA_STATUS, IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED);
            writer.BigEndian32(CTA_TIMEOUT, 3600);
            writer.BigEndian32(CTA_MARK, nodeMarks[i % nodeMarks.Count]);
            writer.BeginNest(CTA_PROTOINFO);
            writer.BeginNest(CTA_PROTOINFO_TCP);
            writer.Attribute(CTA_PROTOINFO_TCP_STATE, [TCP_CONNTRACK_ESTABLISHED]);
            writer.EndNest();
            writer.EndNest();
            writer.End();
            if (writer.Length > BatchBytes || i == count - 1)
            {
                socket.Send(writer.Written);
                DrainAcks(socket, writer.Written);
                writer.Clear();
            }
        }
    }

    private static void Tuple(NetlinkWriter writer, ushort type, Ipv4Address source, ushort sourcePort, Ipv4Address destination, ushort destinationPort)
    {
        Span<byte> address = stackalloc byte[4];
        Span<byte> port = stackalloc byte[2];
        writer.BeginNest(type);
        writer.BeginNest(CTA_TUPLE_IP);
        source.WriteNetworkOrder(address);
        writer.Attribute(CTA_IP_V4_SRC, address);
        destination.WriteNetworkOrder(address);
        writer.Attribute(CTA_IP_V4_DST, address);
        writer.EndNest();
        writer.BeginNest(CTA_TUPLE_PROTO);
        writer.Attribute(CTA_PROTO_NUM, [6]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(port, sourcePort);
        writer.Attribute(CTA_PROTO_SRC_PORT, port);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(port, destinationPort);
        writer.Attribute(CTA_PROTO_DST_PORT, port);
        writer.EndNest();
        writer.EndNest();
    }

    /// <summary>Reads one acknowledgement per message sent; the first error stops the fill.</summary>
    private static void DrainAcks(NetlinkSocket socket, ReadOnlySpan<byte> sent)
    {
        int expected = 0;
        foreach (var _ in new NetlinkMessages(sent)) expected++;
        var buffer = new byte[1 << 20];
        while (expected > 0)
        {
            int length = socket.Receive(buffer, 10_000);
            if (length == 0) throw new TimeoutException("conntrack did not acknowledge");
            foreach (var message in new NetlinkMessages(buffer.AsSpan(0, length)))
            {
                if (message.Type != NLMSG_ERROR) continue;
                if (message.ErrorCode < 0) throw new NetlinkException("conntrack insert", -message.ErrorCode);
                expected--;
            }
        }
    }
}
