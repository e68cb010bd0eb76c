using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Clusterd.Kernel.Netlink;
using Clusterd.Kernel.Nftables;
using Clusterd.Kernel.Queue;
using Clusterd.Kernel.Routing;

namespace Clusterd.Tests;

/// <summary>
/// Each family's fixed headers against the kernel's byte layouts (sizes and offsets from the uapi
/// headers, big-endian fields where they are big-endian), written by the writer and read back.
/// </summary>
public sealed class NetlinkHeaderTests
{
    [Fact]
    public void NetlinkCoreHeadersHaveTheUapiSizes()
    {
        Assert.Equal(Netlink.HeaderSize, Unsafe.SizeOf<NetlinkHeader>());
        Assert.Equal(NetlinkHeader.SequenceOffset, (int)Marshal.OffsetOf<NetlinkHeader>(nameof(NetlinkHeader.Sequence)));
        Assert.Equal(Netlink.NfGenMsgSize, Unsafe.SizeOf<NfnetlinkHeader>());
        Assert.Equal([Netlink.AF_INET, Netlink.NFNETLINK_V0, 0x01, 0x02], Bytes(new NfnetlinkHeader(Netlink.AF_INET, 0x0102)));
    }

    [Fact]
    public void NfqueueHeadersHaveTheKernelsBytes()
    {
        Assert.Equal([1, 2, 3, 4, 0x12, 0x34, 0x56, 0x78], Bytes(new VerdictHeader(0x01020304, 0x12345678)));
        Assert.Equal([NfQueueMessages.NFQNL_CFG_CMD_BIND, 0, 0, 2], Bytes(new QueueConfigCommand(NfQueueMessages.NFQNL_CFG_CMD_BIND, 2)));
        Assert.Equal([0, 0, 0, 64, NfQueueMessages.NFQNL_COPY_PACKET], Bytes(new QueueConfigParameters(64, NfQueueMessages.NFQNL_COPY_PACKET)));

        byte[] packetHeader = [0, 0, 1, 2, 0x08, 0x00, 3]; // packed: 7 bytes, as the kernel sends it
        Assert.True(new NetlinkAttribute(NfQueueMessages.NFQA_PACKET_HDR, packetHeader).TryRead(out QueuedPacketHeader header));
        Assert.Equal((258u, (ushort)0x0800, (byte)3), (header.PacketId, header.HardwareProtocol, header.Hook));
        Assert.False(new NetlinkAttribute(NfQueueMessages.NFQA_PACKET_HDR, packetHeader.AsSpan(0, 6)).TryRead(out header));

        byte[] timestamp = [0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 5];
        Assert.True(new NetlinkAttribute(NfQueueMessages.NFQA_TIMESTAMP, timestamp).TryRead(out QueuedPacketTimestamp stamp));
        Assert.Equal(2_000_005, stamp.UnixMicroseconds);
    }

    [Fact]
    public void AVerdictMessageIsTheKernelsBytes()
    {
        var writer = new NetlinkWriter();
        writer.Begin(Netlink.MessageType(Netlink.NFNL_SUBSYS_QUEUE, NfQueueMessages.VERDICT), Netlink.NLM_F_REQUEST, Netlink.AF_UNSPEC, 7);
        writer.Attribute(NfQueueMessages.NFQA_VERDICT_HDR, new VerdictHeader(NfQueueMessages.NF_ACCEPT, 0x0a0b0c0d));
        writer.BigEndian32(NfQueueMessages.NFQA_MARK, 0x100);
        writer.End();
        byte[] expected =
        [
            40, 0, 0, 0, 0x01, 0x03, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, // nlmsghdr: length, QUEUE/VERDICT, REQUEST, seq 0 until sent
            0, 0, 0, 7,                                                  // nfgenmsg: AF_UNSPEC, v0, queue 7
            12, 0, 2, 0, 0, 0, 0, 1, 0x0a, 0x0b, 0x0c, 0x0d,             // NFQA_VERDICT_HDR { be32 verdict, be32 id }
            8, 0, 3, 0, 0, 0, 1, 0,                                      // NFQA_MARK
        ];
        Assert.Equal(expected, writer.Written.ToArray());
    }

    [Fact]
    public void RtnetlinkHeadersHaveTheUapiLayouts()
    {
        Assert.Equal(12, Unsafe.SizeOf<RouteHeader>());
        Assert.Equal(8, (int)Marshal.OffsetOf<RouteHeader>(nameof(RouteHeader.Flags)));
        Assert.Equal([2, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0, 0], Bytes(new RouteHeader(2, 0, 0, protocol: 4, scope: 0, type: 1)));
        Assert.Equal(12, Unsafe.SizeOf<RuleHeader>());
        Assert.Equal(7, (int)Marshal.OffsetOf<RuleHeader>(nameof(RuleHeader.Action)));
        Assert.Equal([2, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0], Bytes(new RuleHeader(2, action: 2)));
        Assert.Equal(8, Unsafe.SizeOf<InterfaceAddressHeader>());
        Assert.Equal(4, (int)Marshal.OffsetOf<InterfaceAddressHeader>(nameof(InterfaceAddressHeader.InterfaceIndex)));
        Assert.Equal(16, Unsafe.SizeOf<InterfaceInfoHeader>());
        Assert.Equal(4, (int)Marshal.OffsetOf<InterfaceInfoHeader>(nameof(InterfaceInfoHeader.Index)));
    }

    [Theory]
    [InlineData(10000u, 0x101u, 0x101u, uint.MaxValue, null)]
    [InlineData(9000u, 0u, 0x100u, 0xff00u, 10000u)]
    public void ARuleRequestReadsBackAsTheRule(uint preference, uint table, uint mark, uint mask, uint? target)
    {
        AssertReadsBack(target is { } goTo ? RoutingRule.Goto(preference, goTo, mark, mask) : RoutingRule.Lookup(preference, table, mark, mask));
    }

    [Fact]
    public void ANopRuleRequestReadsBackAsTheRule() => AssertReadsBack(RoutingRule.NoOperation(10033));

    private static void AssertReadsBack(RoutingRule rule)
    {
        var request = Rtnetlink.Rule(Rtnetlink.RTM_NEWRULE, Netlink.NLM_F_CREATE, rule);
        foreach (var message in new NetlinkMessages(request.Written))
        {
            Assert.True(message.TryFamilyHeader(out RuleHeader header));
            Assert.Equal(Netlink.AF_INET, header.Family);
            Assert.Equal(rule, Rtnetlink.ParseRule(message));
        }
    }

    [Fact]
    public void TheQueueTargetIsAnXtNfqInfoV3()
    {
        Assert.Equal([5, 0, 3, 0, 1, 0, 0, 0], Bytes(new NfQueueTargetInfo(5, 3, 1)));
    }

    [Fact]
    public void TheQueueTargetTransactionAsksOneAcknowledgement()
    {
        var batch = QueueTargetRule.Transaction("ip_cluster", "queue", 5, 2, bypass: false);
        var types = new List<ushort>();
        int acknowledged = 0;
        foreach (var message in new NetlinkMessages(batch.Written))
        {
            types.Add(message.Type);
            if ((message.Flags & Netlink.NLM_F_ACK) != 0) acknowledged++;
        }
        Assert.Equal([Netlink.NFNL_MSG_BATCH_BEGIN, 0x0a08, 0x0a06, Netlink.NFNL_MSG_BATCH_END], types);
        Assert.Equal(1, acknowledged);
        Assert.True(batch.Written.IndexOf((ReadOnlySpan<byte>)[12, 0, 3, 0, 5, 0, 2, 0, 0, 0, 0, 0]) > 0); // NFTA_TARGET_INFO
    }

    [Fact]
    public void TheQueueTargetBypassesAQueueNobodyListensToUnlessFailClosed()
    {
        ReadOnlySpan<byte> bypassing = [12, 0, 3, 0, 5, 0, 2, 0, 1, 0, 0, 0]; // NFTA_TARGET_INFO, flags NFQ_FLAG_BYPASS
        Assert.True(QueueTargetRule.Transaction("ip_cluster", "queue", 5, 2, bypass: true).Written.IndexOf(bypassing) > 0);
        Assert.True(QueueTargetRule.Transaction("ip_cluster", "queue", 5, 2, bypass: false).Written.IndexOf(bypassing) < 0);
    }

    [Fact]
    public void SequenceNumbersAreGivenWhenSentConsecutively()
    {
        var writer = new NetlinkWriter();
        for (int i = 0; i < 3; i++)
        {
            writer.Begin(Rtnetlink.RTM_GETRULE, Netlink.NLM_F_REQUEST, new RuleHeader(2, 0));
            writer.String(1, new string('x', i)); // unequal lengths: numbering follows each message's length
            writer.End();
        }
        Assert.Equal(3, writer.Number(41));
        var sequences = new List<uint>();
        foreach (var message in new NetlinkMessages(writer.Written)) sequences.Add(message.Sequence);
        Assert.Equal([41u, 42u, 43u], sequences);
    }

    private static byte[] Bytes<T>(T value) where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();
}
