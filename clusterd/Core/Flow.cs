using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ClusterControl;

namespace Clusterd.Core;

/// <summary>The 5-tuple of a connection in its original direction.</summary>
/// <remarks>
/// Laid out by the runtime (16 bytes) rather than in the declaration's order (20, with padding
/// after the protocol and each port): the connection table keeps a flow three times per connection,
/// and never hands one to native code.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
public readonly record struct Flow(byte Protocol, Ipv4Address Source, ushort SourcePort, Ipv4Address Destination, ushort DestinationPort)
{
    public const byte Tcp = 6, Udp = 17;

    /// <summary>The offset of the flags in a TCP header, and the flag of a connection's first packet.</summary>
    private const int TcpFlags = 13, TcpSyn = 0x02;

    /// <summary>TCP or UDP: the ports are the connection's own. Other protocols' flows have 0 in their place, so they do not name one connection (conntrack tells ICMP echoes apart by their id).</summary>
    public bool HasPorts => Protocol is Tcp or Udp;

    /// <summary>The flow's stable hash (<see cref="Scheduling.FlowHash"/>), the same in every clusterd.</summary>
    public ulong StableHash() => Scheduling.FlowHash.Of(Protocol, Source, SourcePort, Destination, DestinationPort);

    /// <summary>Reads the IPv4 header and, for TCP and UDP, the ports. Other protocols get ports 0.</summary>
    public static bool TryParseIpv4(ReadOnlySpan<byte> ip, out Flow flow) => Read(ip, out flow).IsSchedulable();

    /// <summary>
    /// Reads a packet from its IPv4 header on, as far as it was copied: what kind it is and, for a
    /// schedulable kind, its flow (other kinds leave <paramref name="flow"/> default). Never throws,
    /// whatever the bytes.
    /// </summary>
    public static PacketKind Read(ReadOnlySpan<byte> ip, out Flow flow)
    {
        flow = default;
        if (ip.Length < 20 || ip[0] >> 4 != 4) return PacketKind.NotIpv4;
        int headerLength = (ip[0] & 0x0f) * 4;
        if (headerLength < 20 || ip.Length < headerLength) return PacketKind.BadHeaderLength;
        if ((BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x1fff) != 0) return PacketKind.Fragment;
        byte protocol = ip[9];
        bool ported = protocol is Tcp or Udp;
        if (ported && ip.Length < headerLength + 4) return PacketKind.Truncated;
        ushort sourcePort = ported ? BinaryPrimitives.ReadUInt16BigEndian(ip[headerLength..]) : (ushort)0;
        ushort destinationPort = ported ? BinaryPrimitives.ReadUInt16BigEndian(ip[(headerLength + 2)..]) : (ushort)0;
        flow = new Flow(protocol, Ipv4Address.ReadNetworkOrder(ip[12..]), sourcePort, Ipv4Address.ReadNetworkOrder(ip[16..]), destinationPort);
        if (!HeaderChecksumHolds(ip[..headerLength])) return PacketKind.BadChecksum;
        if (!ported) return PacketKind.OtherProtocol;
        // Beyond the bytes copied (a header with 40 bytes of options) the flags are unknown: taken for an opening.
        if (protocol == Tcp && ip.Length > headerLength + TcpFlags && (ip[headerLength + TcpFlags] & TcpSyn) == 0) return PacketKind.MidStream;
        return headerLength > 20 ? PacketKind.IpOptions : PacketKind.Ordinary;
    }

    /// <summary>The one's-complement sum of the header's 16-bit words, its checksum included, is all ones.</summary>
    private static bool HeaderChecksumHolds(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < header.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        return sum == 0xffff;
    }
}
