using Clusterd.Core;
using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Clusterd.Kernel.Conntrack;

/// <summary>Deletes IPv4 conntrack entries by their original tuple (IPCTNL_MSG_CT_DELETE), one acknowledged request each.</summary>
public static class ConntrackDelete
{
    private const int ENOENT = 2;

    /// <summary>Deletes the entry of each flow; one that is already gone (ENOENT) is passed over. How many were deleted.</summary>
    public static int Flows(IReadOnlyCollection<Flow> flows)
    {
        using var socket = new NetlinkSocket(receiveBuffer: 1 << 20);
        var request = new NetlinkWriter(128);
        int deleted = 0;
        foreach (var flow in flows)
        {
            request.Clear();
            request.Begin(MessageType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE), NLM_F_REQUEST | NLM_F_ACK, AF_INET, 0);
            OriginalTuple.Write(request, flow);
            request.End();
            try
            {
                socket.Acknowledged(request, "conntrack delete");
                deleted++;
            }
            catch (NetlinkException e) when (e.Errno == ENOENT)
            {
                // ended on its own meanwhile
            }
        }
        return deleted;
    }
}
