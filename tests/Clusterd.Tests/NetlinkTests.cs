using System.Buffers.Binary;
using Clusterd.Kernel.Conntrack;
using Clusterd.Kernel.Netlink;
using Clusterd.Core;
using Clusterd.Kernel.Queue;

namespace Clusterd.Tests;

/// <summary>Message layouts written and read back, and hostile bytes read without harm.</summary>
public class NetlinkTests
{
    [Fact]
    public void WriterLaysOutHeaderNfgenmsgAndPaddedAttributes()
    {
        var writer = new NetlinkWriter();
        writer.Begin(Netlink.MessageType(Netlink.NFNL_SUBSYS_QUEUE, 2), Netlink.NLM_F_REQUEST, Netlink.AF_UNSPEC, 7);
        writer.String(1, "abc");        // 4 + 4 = 8
        writer.BigEndian32(3, 0xdeadbeef); // 8
        writer.End();
        var bytes = writer.Written;
        Assert.Equal(20 + 8 + 8, bytes.Length);
        Assert.Equal((uint)bytes.Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        Assert.Equal(0x0302, BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]));
        Assert.Equal(7, BinaryPrimitives.ReadUInt16BigEndian(bytes[18..]));
        Assert.Equal(8, BinaryPrimitives.ReadUInt16LittleEndian(bytes[20..]));
        Assert.Equal("abc\0"u8.ToArray(), bytes.Slice(24, 4).ToArray());
        Assert.Equal(0xdeadbeef, BinaryPrimitives.ReadUInt32BigEndian(bytes[32..]));
    }

    [Fact]
    public void NestsCarryTheirLengthAndFlag()
    {
        var writer = new NetlinkWriter();
        writer.Begin(0x0100, 0, 0, 0);
        writer.BeginNest(4);
        writer.BigEndian32(1, 5);
        writer.EndNest();
        writer.End();
        var bytes = writer.Written;
        Assert.Equal(12, BinaryPrimitives.ReadUInt16LittleEndian(bytes[20..]));
        Assert.Equal(4 | Netlink.NLA_F_NESTED, BinaryPrimitives.ReadUInt16LittleEndian(bytes[22..]));
        foreach (var message in new NetlinkMessages(bytes))
            foreach (var attribute in message.Attributes)
            {
                Assert.Equal(4, attribute.Type);
                foreach (var inner in attribute.Nested)
                    Assert.True(inner.TryBigEndian32(out uint value) && value == 5);
            }
    }

    [Fact]
    public void TruncatedAndGarbageInputEndsTheWalkQuietly()
    {
        var random = new Random(42);
        var buffer = new byte[512];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(buffer);
            int length = random.Next(buffer.Length);
            foreach (var message in new NetlinkMessages(buffer.AsSpan(0, length)))
            {
                _ = QueuedPacket.TryParse(message.Attributes, out _);
                _ = ConntrackEntry.TryParse(message.Attributes, out _);
                _ = Kernel.Routing.AddressMessage.TryParse(message, out _);
                _ = Kernel.Routing.LinkMessage.TryParse(message, out _);
                Kernel.Routing.Rtnetlink.ParseRule(message);
                _ = message.ErrorCode;
                foreach (var attribute in message.Attributes)
                {
                    attribute.TryRead(out QueuedPacketHeader _);
                    attribute.TryRead(out QueuedPacketTimestamp _);
                }
            }
        }
    }

    [Fact]
    public void ReadsTheFlowOfATcpSyn()
    {
        byte[] ip =
        [
            0x45, 0, 0, 60, 0, 1, 0x40, 0, 64, 6, 0, 0, // version/IHL, …, DF, TTL, protocol TCP
            192, 0, 2, 7, 1, 2, 3, 4,                   // source, destination
            0x9d, 0x78, 0x00, 0x50,                     // ports 40312 → 80
        ];
        Assert.True(Flow.TryParseIpv4(ip, out var flow));
        Assert.Equal(new Flow(Flow.Tcp, ClusterControl.Ipv4Address.Parse("192.0.2.7"), 40312, ClusterControl.Ipv4Address.Parse("1.2.3.4"), 80), flow);
    }

    [Theory]
    [InlineData(new byte[] { 0x60, 0, 0, 0 })] // IPv6
    [InlineData(new byte[] { 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 1, 2, 3 })] // short
    [InlineData(new byte[] { 0x4f, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 })] // IHL beyond data
    public void RefusesWhatIsNotAnIpv4Header(byte[] bytes) => Assert.False(Flow.TryParseIpv4(bytes, out _));

    /// <summary>The verdict path: reading a queued packet and writing its verdict allocate nothing once the buffer has grown.</summary>
    [Fact]
    public void PacketsAreReadAndVerdictsWrittenWithoutAllocating()
    {
        var packet = new NetlinkWriter();
        packet.Begin(Netlink.MessageType(Netlink.NFNL_SUBSYS_QUEUE, NfQueueMessages.PACKET), 0, Netlink.AF_INET, 0);
        packet.Attribute(NfQueueMessages.NFQA_PACKET_HDR, new QueuedPacketHeader(9, 0x0800, 0));
        packet.Attribute(NfQueueMessages.NFQA_PAYLOAD, (ReadOnlySpan<byte>)[0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0, 53, 0, 53]);
        packet.End();
        var verdicts = new NetlinkWriter();
        void Round()
        {
            verdicts.Clear();
            foreach (var message in new NetlinkMessages(packet.Written))
            {
                Assert.True(QueuedPacket.TryParse(message.Attributes, out var queued));
                verdicts.Begin(Netlink.MessageType(Netlink.NFNL_SUBSYS_QUEUE, NfQueueMessages.VERDICT), Netlink.NLM_F_REQUEST, Netlink.AF_UNSPEC, 0);
                verdicts.Attribute(NfQueueMessages.NFQA_VERDICT_HDR, new VerdictHeader(NfQueueMessages.NF_ACCEPT, queued.Id));
                verdicts.BigEndian32(NfQueueMessages.NFQA_MARK, queued.Mark);
                verdicts.End();
            }
        }
        Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
