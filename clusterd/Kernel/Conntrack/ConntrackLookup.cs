using Clusterd.Core;
using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;

namespace Clusterd.Kernel.Conntrack;

/// <summary>
/// Reads named IPv4 conntrack entries, each by its original tuple (IPCTNL_MSG_CT_GET without
/// NLM_F_DUMP): a hash lookup in the kernel, where a dump walks every bucket of the table, empty or
/// not. Many lookups go in one datagram, so a few hundred cost one system call each way.
/// </summary>
public static class ConntrackLookup
{
    /// <summary>Calls <paramref name="visit"/> for the entry of each flow conntrack holds; a flow it no longer holds has none.</summary>
    public static void Read(IEnumerable<Flow> flows, Action<ConntrackEntry> visit)
    {
        using var socket = new NetlinkSocket(receiveBuffer: 1 << 20);
        NetlinkSocket.MessageVisitor answer = message =>
        {
            if (ConntrackEntry.TryParse(message.Attributes, out var entry)) visit(entry);
        };
        OriginalTuple.Requests(flows, IPCTNL_MSG_CT_GET, request => socket.LookUp(request, "conntrack lookup", answer));
    }
}
