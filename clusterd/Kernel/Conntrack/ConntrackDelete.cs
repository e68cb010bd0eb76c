using Clusterd.Core;
using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;

namespace Clusterd.Kernel.Conntrack;

/// <summary>Deletes IPv4 conntrack entries by their original tuple (IPCTNL_MSG_CT_DELETE), many to a datagram, each acknowledged.</summary>
public static class ConntrackDelete
{
    /// <summary>Deletes the entry of each flow; one that is already gone (ENOENT) is passed over. How many were deleted.</summary>
    public static int Flows(IReadOnlyCollection<Flow> flows)
    {
        using var socket = new NetlinkSocket(receiveBuffer: 1 << 20);
        int gone = 0;
        OriginalTuple.Requests(flows, IPCTNL_MSG_CT_DELETE, request => gone += socket.AcknowledgedOrAbsent(request, "conntrack delete"));
        return flows.Count - gone;
    }
}
