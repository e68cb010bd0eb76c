using System.Runtime.InteropServices;

namespace Clusterd.Kernel.Netlink;

/// <summary>
/// struct nfgenmsg (linux/netfilter/nfnetlink.h), the header of every nfnetlink message after
/// nlmsghdr: u8 family, u8 version, be16 resource id (a queue number, or a batch's subsystem).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly struct NfnetlinkHeader(byte family, ushort resourceId)
{
    public readonly byte Family = family;
    public readonly byte Version = Netlink.NFNETLINK_V0;
    private readonly ushort _resourceId = NetworkOrder.Swap(resourceId);

    public ushort ResourceId => NetworkOrder.Swap(_resourceId);
}
