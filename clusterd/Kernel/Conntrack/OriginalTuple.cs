using System.Buffers.Binary;
using Clusterd.Core;
using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;

namespace Clusterd.Kernel.Conntrack;

/// <summary>How a request names one IPv4 conntrack entry: by its original direction's tuple (CTA_TUPLE_ORIG).</summary>
public static class OriginalTuple
{
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
