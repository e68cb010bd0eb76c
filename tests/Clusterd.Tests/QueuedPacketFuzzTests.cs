using System.Buffers.Binary;
using System.Diagnostics;
using ClusterControl;
using Clusterd.Core;
using Clusterd.Kernel.Netlink;
using Clusterd.Kernel.Queue;
using Xunit.Abstractions;

namespace Clusterd.Tests;

/// <summary>
/// Hostile packets on the queue: each malformed kind has its defined kind (and so its verdict and
/// counter), and a million random and mutated packets, bare and in queue messages, never make the
/// parser throw.
/// </summary>
public sealed class QueuedPacketFuzzTests(ITestOutputHelper output)
{
    private static readonly Ipv4Address Client = Ipv4Address.Parse("192.0.2.7"), Shared = Ipv4Address.Parse("1.2.3.4");

    /// <summary>An IPv4 packet of <paramref name="protocol"/> with <paramref name="optionWords"/> words of options, its header checksum right.</summary>
    private static byte[] Packet(byte protocol, int optionWords = 0, ushort fragment = 0x4000, int transport = 20, byte tcpFlags = 0x02)
    {
        int header = 20 + 4 * optionWords;
        var ip = new byte[header + transport];
        ip[0] = (byte)(0x40 | header / 4);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(6), fragment);
        ip[8] = 64;
        ip[9] = protocol;
        Client.WriteNetworkOrder(ip.AsSpan(12));
        Shared.WriteNetworkOrder(ip.AsSpan(16));
        for (int i = 20; i < header; i++) ip[i] = 1; // NOP options
        if (transport >= 4)
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(header), 40312);
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(header + 2), 80);
        }
        if (protocol == Flow.Tcp && transport > 13) ip[header + 13] = tcpFlags; // SYN unless told
        SetChecksum(ip);
        return ip;
    }

    private static void SetChecksum(byte[] ip)
    {
        int header = (ip[0] & 0x0f) * 4;
        ip[10] = ip[11] = 0;
        uint sum = 0;
        for (int i = 0; i < header; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(ip.AsSpan(i));
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(10), (ushort)~sum);
    }

    public static TheoryData<string, byte[], PacketKind> Kinds()
    {
        var badChecksum = Packet(Flow.Tcp);
        badChecksum[11] ^= 0xff;
        var shortIhl = Packet(Flow.Tcp);
        shortIhl[0] = 0x44;
        var longIhl = Packet(Flow.Tcp);
        longIhl[0] = 0x4f; // 60 bytes of header in a 40-byte packet
        return new()
        {
            { "TCP SYN", Packet(Flow.Tcp), PacketKind.Ordinary },
            { "TCP in mid-stream (ACK)", Packet(Flow.Tcp, tcpFlags: 0x10), PacketKind.MidStream },
            { "TCP flags not copied", Packet(Flow.Tcp, optionWords: 10, transport: 4, tcpFlags: 0x10), PacketKind.IpOptions },
            { "UDP", Packet(Flow.Udp, transport: 8), PacketKind.Ordinary },
            { "IP options", Packet(Flow.Tcp, optionWords: 3), PacketKind.IpOptions },
            { "ICMP", Packet(1, transport: 8), PacketKind.OtherProtocol },
            { "GRE", Packet(47, transport: 0), PacketKind.OtherProtocol },
            { "bad header checksum", badChecksum, PacketKind.BadChecksum },
            { "first fragment", Packet(Flow.Tcp, fragment: 0x2000), PacketKind.Ordinary },
            { "later fragment", Packet(Flow.Tcp, fragment: 0x2010), PacketKind.Fragment },
            { "ports cut off", Packet(Flow.Tcp, transport: 2), PacketKind.Truncated },
            { "IHL under 5", shortIhl, PacketKind.BadHeaderLength },
            { "IHL beyond the data", longIhl, PacketKind.BadHeaderLength },
            { "IPv6", [0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], PacketKind.NotIpv4 },
            { "truncated header", Packet(Flow.Tcp)[..19], PacketKind.NotIpv4 },
            { "empty", [], PacketKind.NotIpv4 },
        };
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKindOfPacketIsToldApart(string what, byte[] ip, PacketKind expected)
    {
        Assert.True(Flow.Read(ip, out var flow) == expected, what);
        if (expected.IsSchedulable()) Assert.Equal((Client, Shared), (flow.Source, flow.Destination));
        else Assert.Equal(default, flow);
    }

    [Fact]
    public void QueueMessagesWithoutAPacketIdOrPayloadAreToldApart()
    {
        Assert.False(QueuedPacket.TryParse(Message(null, Packet(Flow.Tcp)), out var noId));
        Assert.Equal(PacketKind.NoPacketId, noId.Kind);
        Assert.True(QueuedPacket.TryParse(Message(7, null), out var noPayload));
        Assert.Equal((7u, PacketKind.NotIpv4), (noPayload.Id, noPayload.Kind));
    }

    [Fact]
    public void AMillionRandomAndMutatedPacketsNeverThrow() => Fuzz(1_000_000);

    [Fact]
    [Trait("Category", "Stress")]
    public void TenMillionRandomAndMutatedPacketsNeverThrow() => Fuzz(10_000_000);

    private void Fuzz(int inputs)
    {
        var random = new Random(20261202);
        byte[][] templates = [Packet(Flow.Tcp), Packet(Flow.Udp, transport: 8), Packet(Flow.Tcp, optionWords: 10), Packet(1, transport: 8), Packet(Flow.Tcp, fragment: 0x2000)];
        var seen = new Dictionary<PacketKind, int>();
        var buffer = new byte[80];
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < inputs; i++)
        {
            int length;
            if (i % 2 == 0)
            {
                length = random.Next(buffer.Length + 1);
                random.NextBytes(buffer.AsSpan(0, length));
                if (i % 4 == 0 && length > 0) buffer[0] = (byte)(0x40 | buffer[0] & 0x0f); // often IPv4, to get past the first check
            }
            else
            {
                var template = templates[random.Next(templates.Length)];
                template.CopyTo(buffer, 0);
                length = Mutate(random, buffer, template.Length);
            }
            var ip = buffer.AsSpan(0, length);
            var kind = Flow.Read(ip, out var flow);
            seen[kind] = seen.GetValueOrDefault(kind) + 1;
            if (kind.IsSchedulable()) Assert.Equal(Ipv4Address.ReadNetworkOrder(ip[12..]), flow.Source);
            if (i % 8 == 1) // also inside a queue message, its attribute lengths cut at random
            {
                var message = MessageBytes(random.Next(4) == 0 ? null : (uint)i, ip.ToArray());
                _ = QueuedPacket.TryParse(new NetlinkAttributes(message.AsSpan(0, random.Next(message.Length + 1))), out _);
                _ = QueuedPacket.TryParse(new NetlinkAttributes(message), out var whole);
                Assert.Equal(kind, whole.Kind == PacketKind.NoPacketId ? kind : whole.Kind);
            }
        }
        output.WriteLine($"{inputs} packets in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", seen.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}");
        foreach (var kind in Enum.GetValues<PacketKind>().Where(k => k is not PacketKind.NoPacketId and not PacketKind.Untagged))
            Assert.True(seen.ContainsKey(kind), $"the fuzzer never made a {kind} packet");
    }

    /// <summary>One to four mutations of a valid packet: bytes set at random, the header length, the fragment offset, or a cut; the new length.</summary>
    private static int Mutate(Random random, byte[] buffer, int length)
    {
        for (int m = random.Next(1, 5); m > 0; m--)
        {
            switch (random.Next(5))
            {
                case 0: buffer[random.Next(length)] = (byte)random.Next(256); break;
                case 1: buffer[0] = (byte)(0x40 | random.Next(16)); break;
                case 2: buffer[6] = (byte)random.Next(256); buffer[7] = (byte)random.Next(256); break;
                case 3: length = random.Next(length + 1); break;
                default: buffer[9] = (byte)random.Next(256); break;
            }
        }
        return length;
    }

    /// <summary>The attributes of an NFQNL_MSG_PACKET with the packet id and payload given (null: left out).</summary>
    private static NetlinkAttributes Message(uint? id, byte[]? payload) => new(MessageBytes(id, payload));

    private static byte[] MessageBytes(uint? id, byte[]? payload)
    {
        var writer = new NetlinkWriter(256);
        if (id is { } packetId) writer.Attribute(NfQueueMessages.NFQA_PACKET_HDR, new QueuedPacketHeader(packetId, 0x0800, 0));
        writer.BigEndian32(NfQueueMessages.NFQA_MARK, 0x80000001);
        if (payload is not null) writer.Attribute(NfQueueMessages.NFQA_PAYLOAD, payload);
        return writer.Written.ToArray();
    }
}
