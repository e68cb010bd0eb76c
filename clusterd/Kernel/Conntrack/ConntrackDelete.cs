using System.Buffers.Binary;
using Clusterd.Core;
using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Clusterd.Kernel.Conntrack;

/// <summary>Deletes IPv4 conntrack entries by their original tuple (IPCTNL_MSG_CT_DELETE), one acknowledged request each.</summary>
public static class ConntrackDelete
{
    private const int ENOENT = 2;

    /// <summary>Deletes the entry of each flow; one that is already gone (ENOENT) is passed over. How many were deleted.</summary>
    public static int Flows(IReadOnlyCollection<Flow> flows)
    {
        using var socket = new NetlinkSocket(receiveBuffer: 1 << 20);
        var request = new NetlinkWriter(128);
        int deleted = 0;
        foreach (var flow in flows)
        {
            request.Clear();
            request.Begin(MessageType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE), NLM_F_REQUEST | NLM_F_ACK, AF_INET, 0);
            WriteTuple(request, flow);
            request.End();
            try
            {
                socket.Acknowledged(request, "conntrack delete");
                deleted++;
            }
            catch (NetlinkException e) when (e.Errno == ENOENT)
            {
                // ended on its own meanwhile
            }
        }
        return deleted;
    }

    private static void WriteTuple(NetlinkWriter request, Flow flow)
    {
        Span<byte> bytes = stackalloc byte[4];
        request.BeginNest(CTA_TUPLE_ORIG);
        request.BeginNest(CTA_TUPLE_IP);
        flow.Source.WriteNetworkOrder(bytes);
        request.Attribute(CTA_IP_V4_SRC, bytes);
        flow.Destination.WriteNetworkOrder(bytes);
        request.Attribute(CTA_IP_V4_DST, bytes);
        request.EndNest();
        request.BeginNest(CTA_TUPLE_PROTO);
        request.Attribute(CTA_PROTO_NUM, [flow.Protocol]);
        BinaryPrimitives.WriteUInt16BigEndian(bytes, flow.SourcePort);
        request.Attribute(CTA_PROTO_SRC_PORT, bytes[..2]);
        BinaryPrimitives.WriteUInt16BigEndian(bytes, flow.DestinationPort);
        request.Attribute(CTA_PROTO_DST_PORT, bytes[..2]);
        request.EndNest();
        request.EndNest();
    }
}
