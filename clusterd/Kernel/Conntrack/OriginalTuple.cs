using System.Buffers.Binary;
using Clusterd.Core;
using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Clusterd.Kernel.Conntrack;

/// <summary>How a request names one IPv4 conntrack entry: by its original direction's tuple (CTA_TUPLE_ORIG); and requests naming many, a datagram at a time.</summary>
public static class OriginalTuple
{
    /// <summary>Requests sent together: their answers (a few hundred bytes each at most) stay far inside a socket buffer of a megabyte, which the kernel never waits on.</summary>
    private const int Batch = 128;

    /// <summary>
    /// Writes one acknowledged ctnetlink request of <paramref name="command"/> per flow, each naming
    /// the flow's entry, and hands every <see cref="Batch"/> of them, and the rest, to
    /// <paramref name="exchange"/> as one datagram: a few hundred requests cost one system call each way.
    /// </summary>
    public static void Requests(IEnumerable<Flow> flows, byte command, Action<NetlinkWriter> exchange)
    {
        var request = new NetlinkWriter(Batch * 64);
        int written = 0;
        foreach (var flow in flows)
        {
            request.Begin(MessageType(NFNL_SUBSYS_CTNETLINK, command), NLM_F_REQUEST | NLM_F_ACK, AF_INET, 0);
            Write(request, flow);
            request.End();
            if (++written < Batch) continue;
            exchange(request);
            request.Clear();
            written = 0;
        }
        if (written > 0) exchange(request);
    }

    public static void Write(NetlinkWriter request, Flow flow)
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
