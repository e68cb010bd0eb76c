using System.Buffers.Binary;
using System.Net;

namespace Bench;

/// <summary>
/// The shape of a flood's packets: UDP datagrams or TCP SYNs, with a TTL and IP options. A TTL of 1,
/// a source route (LSRR) or a malformed option make the front-end drop the packet after clusterd's
/// verdict, before conntrack confirms the connection — the way to check that such packets leave
/// no load behind.
/// </summary>
public sealed record FloodPacket(byte Protocol, byte Ttl, byte[] Options)
{
    private const byte Udp = 17, Tcp = 6;
    private const int UdpPayload = 18;

    /// <summary>Loose source route through 192.0.2.1 (the kernel drops it: accept_source_route is off), padded with a NOP.</summary>
    private static readonly byte[] SourceRoute = [0x83, 7, 4, 192, 0, 2, 1, 0x01];

    /// <summary>A record-route option claiming 40 bytes in a 4-byte option area: the kernel answers parameter problem and drops it.</summary>
    private static readonly byte[] BadOptionLength = [0x07, 40, 4, 0];

    /// <summary>
    /// Parses "udp" or "syn", optionally followed by "+ttl1", "+lsrr" or "+badopt" (e.g. "syn+ttl1").
    /// </summary>
    public static FloodPacket Parse(string text)
    {
        var parts = text.Split('+');
        byte protocol = parts[0] switch
        {
            "udp" => Udp,
            "syn" => Tcp,
            _ => throw new ArgumentException($"flood kind '{parts[0]}': udp or syn"),
        };
        var shape = new FloodPacket(protocol, 64, []);
        foreach (string modifier in parts.Skip(1))
            shape = modifier switch
            {
                "ttl1" => shape with { Ttl = 1 },
                "lsrr" => shape with { Options = SourceRoute },
                "badopt" => shape with { Options = BadOptionLength },
                _ => throw new ArgumentException($"flood modifier '{modifier}': ttl1, lsrr or badopt"),
            };
        return shape;
    }

    private int HeaderLength => 20 + Options.Length;
    private int TransportLength => Protocol == Tcp ? 20 : 8 + UdpPayload;

    /// <summary>A packet to <paramref name="target"/> from the first host of <paramref name="sourceNetwork"/>; <see cref="SetFlow"/> varies it.</summary>
    public byte[] Template(IPAddress target, IPAddress sourceNetwork)
    {
        var packet = new byte[HeaderLength + TransportLength];
        packet[0] = (byte)(0x40 | HeaderLength / 4);           // IPv4, header length in words
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = Ttl;
        packet[9] = Protocol;
        sourceNetwork.TryWriteBytes(packet.AsSpan(12), out _);
        target.TryWriteBytes(packet.AsSpan(16), out _);
        Options.CopyTo(packet, 20);
        var transport = packet.AsSpan(HeaderLength);
        if (Protocol == Tcp)
        {
            BinaryPrimitives.WriteUInt32BigEndian(transport[4..], 1); // sequence number
            transport[12] = 5 << 4;                                   // data offset: 20 bytes
            transport[13] = 0x02;                                     // SYN
            BinaryPrimitives.WriteUInt16BigEndian(transport[14..], 65535);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(transport[4..], (ushort)TransportLength); // checksum 0: none
        }
        return packet;
    }

    /// <summary>Makes <paramref name="packet"/> the first packet of another flow.</summary>
    public void SetFlow(byte[] packet, byte sourceHost, ushort sourcePort, ushort destinationPort)
    {
        packet[15] = sourceHost;
        var transport = packet.AsSpan(HeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(transport, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(transport[2..], destinationPort);
        if (Protocol == Tcp) WriteTcpChecksum(packet);
    }

    /// <summary>Conntrack drops TCP with a wrong checksum before the queue ever sees it, so SYNs carry a real one.</summary>
    private void WriteTcpChecksum(byte[] packet)
    {
        var segment = packet.AsSpan(HeaderLength);
        segment[16] = segment[17] = 0;
        uint sum = Tcp + (uint)segment.Length;                    // pseudo-header: protocol and length
        for (int i = 12; i < 20; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(i)); // addresses
        for (int i = 0; i < segment.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(segment[i..]);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(segment[16..], (ushort)~sum);
    }
}
