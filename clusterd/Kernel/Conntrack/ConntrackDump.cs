using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Clusterd.Kernel.Conntrack;

/// <summary>Reads the IPv4 conntrack table, filtered in the kernel by mark bits.</summary>
public static class ConntrackDump
{
    /// <summary>Calls <paramref name="visit"/> for every entry whose mark has all of <paramref name="markBits"/> set (0: every entry).</summary>
    public static void Read(uint markBits, Action<ConntrackEntry> visit)
    {
        using var socket = new NetlinkSocket(receiveBuffer: 4 << 20);
        var request = new NetlinkWriter(64);
        request.Begin(MessageType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET),
            NLM_F_REQUEST | NLM_F_DUMP, AF_INET, 0);
        if (markBits != 0)
        {
            request.BigEndian32(CTA_MARK, markBits);
            request.BigEndian32(CTA_MARK_MASK, markBits);
        }
        request.End();
        socket.Dump(request, "conntrack dump", message =>
        {
            if (ConntrackEntry.TryParse(message.Attributes, out var entry)) visit(entry);
        });
    }
}
