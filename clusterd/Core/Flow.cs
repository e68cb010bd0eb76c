using System.Buffers.Binary;
using ClusterControl;

namespace Clusterd.Core;

/// <summary>The 5-tuple of a connection in its original direction.</summary>
public readonly record struct Flow(byte Protocol, Ipv4Address Source, ushort SourcePort, Ipv4Address Destination, ushort DestinationPort)
{
    public const byte Tcp = 6, Udp = 17;

    /// <summary>The flow's stable hash (<see cref="Scheduling.FlowHash"/>), the same in every clusterd.</summary>
    public ulong StableHash() => Scheduling.FlowHash.Of(Protocol, Source, SourcePort, Destination, DestinationPort);

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
