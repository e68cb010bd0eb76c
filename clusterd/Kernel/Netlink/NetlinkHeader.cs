using System.Runtime.InteropServices;

namespace Clusterd.Kernel.Netlink;

/// <summary>struct nlmsghdr (linux/netlink.h): u32 length, u16 type, u16 flags, u32 sequence, u32 port id, host order.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct NetlinkHeader(uint length, ushort type, ushort flags, uint sequence)
{
    public readonly uint Length = length;
    public readonly ushort Type = type;
    public readonly ushort Flags = flags;
    public readonly uint Sequence = sequence;
    public readonly uint PortId = 0;

    /// <summary>Where <see cref="Sequence"/> lies, for the socket to number messages already written.</summary>
    public const int SequenceOffset = 8;
}
