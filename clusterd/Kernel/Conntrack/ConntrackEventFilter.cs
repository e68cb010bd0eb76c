using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;
using static Clusterd.Kernel.Netlink.SocketFilter.Comparison;

namespace Clusterd.Kernel.Conntrack;

/// <summary>
/// The kernel-side filter of the conntrack event socket, so that only events the connection view
/// uses reach clusterd. It drops the events of entries without a node mark (connections no cluster
/// rule scheduled), and a TCP connection's CLOSE_WAIT, LAST_ACK and TIME_WAIT: a connection reaches
/// those only after FIN_WAIT or CLOSE, whose event already ended it. Of an ordinary connection's
/// seven events before its destroy (new, SYN_RECV, ESTABLISHED, then four closing), four remain.
/// Destroys, UDP's events and every other TCP state pass.
/// </summary>
public static class ConntrackEventFilter
{
    /// <summary>Where a ctnetlink message's attributes start: after its netlink header (16 bytes) and nfgenmsg (4).</summary>
    private const uint FirstAttribute = 20;

    public static SocketFilterInstruction[] Program { get; } = new SocketFilter()
        .LoadConstant(FirstAttribute).FindAttribute(CTA_MARK)
        .JumpIf(Equal, 0, "drop", null) // the kernel leaves a zero mark out
        .LoadPayloadWord().And(Marks.TagMask)
        .JumpIf(Equal, Marks.NodeTag, null, "drop")
        .LoadConstant(FirstAttribute).FindAttribute(CTA_PROTOINFO)
        .JumpIf(Equal, 0, "keep", null) // no TCP state: UDP, or an event that does not carry it
        .FindNestedAttribute(CTA_PROTOINFO_TCP)
        .JumpIf(Equal, 0, "keep", null)
        .FindNestedAttribute(CTA_PROTOINFO_TCP_STATE)
        .JumpIf(Equal, 0, "keep", null)
        .LoadPayloadByte()
        .JumpIf(GreaterOrEqual, TCP_CONNTRACK_CLOSE_WAIT, null, "keep")
        .JumpIf(Greater, TCP_CONNTRACK_TIME_WAIT, "keep", "drop")
        .Label("keep").Return(keep: true)
        .Label("drop").Return(keep: false)
        .Build();
}
