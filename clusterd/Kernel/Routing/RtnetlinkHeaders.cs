using System.Runtime.InteropServices;

namespace Clusterd.Kernel.Routing;

// The family headers of the rtnetlink messages clusterd sends and reads (linux/rtnetlink.h,
// linux/if_addr.h, linux/fib_rules.h), each as the kernel lays it out; all host order.

/// <summary>struct rtmsg: u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct RouteHeader(byte family, byte destinationLength, byte table, byte protocol, byte scope, byte type)
{
    public readonly byte Family = family;
    public readonly byte DestinationLength = destinationLength;
    public readonly byte SourceLength = 0;
    public readonly byte Tos = 0;
    /// <summary>Only tables below 256 fit; clusterd names the table in RTA_TABLE and leaves this 0.</summary>
    public readonly byte Table = table;
    public readonly byte Protocol = protocol;
    public readonly byte Scope = scope;
    public readonly byte Type = type;
    public readonly uint Flags = 0;
}

/// <summary>struct fib_rule_hdr: u8 family, dst_len, src_len, tos, table, res1, res2, action; u32 flags.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct RuleHeader(byte family, byte action)
{
    public readonly byte Family = family;
    public readonly byte DestinationLength = 0;
    public readonly byte SourceLength = 0;
    public readonly byte Tos = 0;
    /// <summary>Only tables below 256 fit; FRA_TABLE carries the table, and wins when both are given.</summary>
    public readonly byte Table = 0;
    private readonly byte _reserved1 = 0;
    private readonly byte _reserved2 = 0;
    public readonly byte Action = action;
    public readonly uint Flags = 0;
}

/// <summary>struct ifaddrmsg: u8 family, prefix length, flags, scope; u32 interface index.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct InterfaceAddressHeader(byte family, int interfaceIndex = 0)
{
    public readonly byte Family = family;
    public readonly byte PrefixLength = 0;
    public readonly byte Flags = 0;
    public readonly byte Scope = 0;
    public readonly int InterfaceIndex = interfaceIndex;
}

/// <summary>struct ifinfomsg: u8 family, u8 pad, u16 type, i32 index, u32 flags, u32 change.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct InterfaceInfoHeader(int index = 0)
{
    public readonly byte Family = 0;
    private readonly byte _pad = 0;
    public readonly ushort Type = 0;
    public readonly int Index = index;
    public readonly uint Flags = 0;
    public readonly uint Change = 0;
}
