using System.Runtime.InteropServices;

namespace Clusterd.Kernel.Netlink;

/// <summary>
/// struct sockaddr_nl (linux/netlink.h), which Tmds.LibC does not declare: u16 family, u16 pad,
/// u32 port id, u32 groups — 12 bytes on every architecture.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct NetlinkAddress
{
    public readonly ushort Family;
    private readonly ushort _pad;
    public readonly uint PortId;
    public readonly uint Groups;

    /// <summary>Port id 0 (the kernel chooses one) and no groups: sockets join groups by socket option.</summary>
    public static NetlinkAddress Unbound => new(0, 0);

    /// <remarks>A constructor, not field initialisers: <c>default</c> would leave the family 0, which bind refuses.</remarks>
    public NetlinkAddress(uint portId, uint groups)
    {
        Family = Netlink.AF_NETLINK;
        _pad = 0;
        PortId = portId;
        Groups = groups;
    }
}
