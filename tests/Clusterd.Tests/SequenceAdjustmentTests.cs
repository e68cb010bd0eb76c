using Clusterd.Kernel.Conntrack;
using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;

namespace Clusterd.Tests;

/// <summary>The original direction's sequence adjustment read from a conntrack entry's bytes (the -M -l -e columns).</summary>
public sealed class SequenceAdjustmentTests
{
    [Fact]
    public void ReadsCorrectionPositionAndBothOffsets()
    {
        var entry = Parse(writer =>
        {
            writer.BeginNest(CTA_SEQ_ADJ_ORIG);
            writer.BigEndian32(CTA_SEQADJ_CORRECTION_POS, 3_000_000_000);
            writer.BigEndian32(CTA_SEQADJ_OFFSET_BEFORE, 12);
            writer.BigEndian32(CTA_SEQADJ_OFFSET_AFTER, unchecked((uint)-7));
            writer.EndNest();
            // The reply direction's adjustment is not what 2.0 listed.
            writer.BeginNest(CTA_SEQ_ADJ_ORIG + 1);
            writer.BigEndian32(CTA_SEQADJ_CORRECTION_POS, 99);
            writer.EndNest();
        });
        Assert.Equal(new SequenceAdjustment(3_000_000_000, 12, -7), entry.OriginalSequence);
    }

    [Fact]
    public void AnEntryWithoutAdjustmentHasZeros() =>
        Assert.Equal(default, Parse(_ => { }).OriginalSequence);

    [Fact]
    public void ShortPartsAreIgnored()
    {
        var entry = Parse(writer =>
        {
            writer.BeginNest(CTA_SEQ_ADJ_ORIG);
            writer.Attribute(CTA_SEQADJ_CORRECTION_POS, [1, 2]);
            writer.BigEndian32(CTA_SEQADJ_OFFSET_AFTER, 5);
            writer.EndNest();
        });
        Assert.Equal(new SequenceAdjustment(0, 0, 5), entry.OriginalSequence);
    }

    /// <summary>A conntrack message with a TCP original tuple and what <paramref name="more"/> adds.</summary>
    private static ConntrackEntry Parse(Action<NetlinkWriter> more)
    {
        var writer = new NetlinkWriter();
        writer.Begin(Netlink.MessageType(Netlink.NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW), 0, Netlink.AF_INET, 0);
        writer.BeginNest(CTA_TUPLE_ORIG);
        writer.BeginNest(CTA_TUPLE_IP);
        writer.BigEndian32(CTA_IP_V4_SRC, 0xc0a80002);
        writer.BigEndian32(CTA_IP_V4_DST, 0x0a010101);
        writer.EndNest();
        writer.BeginNest(CTA_TUPLE_PROTO);
        writer.Attribute(CTA_PROTO_NUM, [6]);
        writer.Attribute(CTA_PROTO_SRC_PORT, [0x04, 0x01]);
        writer.Attribute(CTA_PROTO_DST_PORT, [0x00, 0x50]);
        writer.EndNest();
        writer.EndNest();
        more(writer);
        writer.End();
        foreach (var message in new NetlinkMessages(writer.Written))
        {
            Assert.True(ConntrackEntry.TryParse(message.Attributes, out var entry));
            return entry;
        }
        throw new InvalidOperationException("no message");
    }
}
