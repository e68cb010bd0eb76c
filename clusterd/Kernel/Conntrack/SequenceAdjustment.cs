using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;

namespace Clusterd.Kernel.Conntrack;

/// <summary>
/// How conntrack shifts the TCP sequence numbers of one direction of a NATed connection after a
/// helper changed the payload's length (CTA_SEQ_ADJ_ORIG/REPLY): from <see cref="CorrectionPosition"/>
/// on, sequence numbers move by <see cref="OffsetAfter"/>, before it by <see cref="OffsetBefore"/>.
/// The 2.0 kernel's ip_masq_seq held the same three figures as init_seq, delta and previous_delta.
/// </summary>
public readonly record struct SequenceAdjustment(uint CorrectionPosition, int OffsetBefore, int OffsetAfter)
{
    public static SequenceAdjustment Parse(NetlinkAttributes nested)
    {
        uint position = 0, before = 0, after = 0;
        foreach (var attribute in nested)
        {
            switch (attribute.Type)
            {
                case CTA_SEQADJ_CORRECTION_POS: attribute.TryBigEndian32(out position); break;
                case CTA_SEQADJ_OFFSET_BEFORE: attribute.TryBigEndian32(out before); break;
                case CTA_SEQADJ_OFFSET_AFTER: attribute.TryBigEndian32(out after); break;
            }
        }
        return new SequenceAdjustment(position, (int)before, (int)after);
    }
}
