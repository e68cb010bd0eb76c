using Clusterd.Core;
using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Clusterd.Kernel.Conntrack;

/// <summary>
/// Reads named IPv4 conntrack entries, each by its original tuple (IPCTNL_MSG_CT_GET without
/// NLM_F_DUMP): a hash lookup in the kernel, where a dump walks every bucket of the table, empty or
/// not. Many lookups go in one datagram, so a few hundred cost one system call each way.
/// </summary>
public static class ConntrackLookup
{
    /// <summary>Lookups sent together: their answers (a few hundred bytes each) stay far inside the socket's buffer, which the kernel never waits on.</summary>
    private const int Batch = 128;

    /// <summary>Calls <paramref name="visit"/> for the entry of each flow conntrack holds; a flow it no longer holds has none.</summary>
    public static void Read(IEnumerable<Flow> flows, Action<ConntrackEntry> visit)
    {
        using var socket = new NetlinkSocket(receiveBuffer: 1 << 20);
        var request = new NetlinkWriter(Batch * 64);
        NetlinkSocket.MessageVisitor answer = message =>
        {
            if (ConntrackEntry.TryParse(message.Attributes, out var entry)) visit(entry);
        };
        int asked = 0;
        foreach (var flow in flows)
        {
            request.Begin(MessageType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET), NLM_F_REQUEST | NLM_F_ACK, AF_INET, 0);
            OriginalTuple.Write(request, flow);
            request.End();
            if (++asked < Batch) continue;
            socket.LookUp(request, "conntrack lookup", answer);
            request.Clear();
            asked = 0;
        }
        if (asked > 0) socket.LookUp(request, "conntrack lookup", answer);
    }
}
