using System.Text;
using ClusterControl;
using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Clusterd.Kernel.Routing;

/// <summary>An IPv4 address of an interface (RTM_NEWADDR/RTM_DELADDR: ifaddrmsg, then IFA_LOCAL).</summary>
public readonly record struct AddressMessage(int InterfaceIndex, Ipv4Address Address)
{
    public const ushort RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22;
    private const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2;

    /// <remarks>IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer's on a point-to-point link.</remarks>
    public static bool TryParse(NetlinkMessage message, out AddressMessage address)
    {
        address = default;
        if (!message.TryFamilyHeader(out InterfaceAddressHeader header) || header.Family != AF_INET) return false;
        Ipv4Address? local = null, peer = null;
        foreach (var attribute in message.AttributesAfter<InterfaceAddressHeader>())
        {
            if (attribute.Payload.Length < 4) continue;
            if (attribute.Type == IFA_LOCAL) local = Ipv4Address.ReadNetworkOrder(attribute.Payload);
            else if (attribute.Type == IFA_ADDRESS) peer = Ipv4Address.ReadNetworkOrder(attribute.Payload);
        }
        if ((local ?? peer) is not { } found) return false;
        address = new AddressMessage(header.InterfaceIndex, found);
        return true;
    }
}

/// <summary>An interface's index and name (RTM_NEWLINK: ifinfomsg, then IFLA_IFNAME).</summary>
public readonly record struct LinkMessage(int Index, string Name)
{
    public const ushort RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18;
    private const ushort IFLA_IFNAME = 3;

    public static bool TryParse(NetlinkMessage message, out LinkMessage link)
    {
        link = default;
        if (!message.TryFamilyHeader(out InterfaceInfoHeader header)) return false;
        foreach (var attribute in message.AttributesAfter<InterfaceInfoHeader>())
        {
            if (attribute.Type != IFLA_IFNAME) continue;
            var name = attribute.Payload;
            int end = name.IndexOf((byte)0);
            link = new LinkMessage(header.Index, Encoding.UTF8.GetString(end >= 0 ? name[..end] : name));
            return link.Name.Length > 0;
        }
        return false;
    }
}

/// <summary>
/// The interfaces' IPv4 addresses from rtnetlink, and its address events: an instance joins
/// RTNLGRP_IPV4_IFADDR (addresses added or removed) and RTNLGRP_LINK (interfaces renamed, added,
/// removed), so whoever renders rules by interface address learns when to look again.
/// </summary>
public sealed class AddressNetlink : IDisposable
{
    private const int RTNLGRP_LINK = 1, RTNLGRP_IPV4_IFADDR = 5;

    private readonly NetlinkSocket _events = new([RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR], receiveBuffer: 1 << 20, protocol: NETLINK_ROUTE);
    private readonly byte[] _receive = new byte[64 * 1024];

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for an event; true when an address or an interface
    /// changed. Lost events (ENOBUFS) also count as a change: the caller reads everything again.
    /// </summary>
    public bool WaitForChange(int timeoutMs)
    {
        int length;
        try
        {
            length = _events.Receive(_receive, timeoutMs);
        }
        catch (NetlinkException e) when (e.Errno == NetlinkException.ENOBUFS)
        {
            return true;
        }
        foreach (var message in new NetlinkMessages(_receive.AsSpan(0, length)))
            if (message.Type is AddressMessage.RTM_NEWADDR or AddressMessage.RTM_DELADDR or LinkMessage.RTM_NEWLINK or LinkMessage.RTM_DELLINK)
                return true;
        return false;
    }

    /// <summary>Every IPv4 address of every interface, with the interface's name.</summary>
    public static List<(string Interface, Ipv4Address Address)> Read()
    {
        using var socket = new NetlinkSocket(receiveBuffer: 1 << 20, protocol: NETLINK_ROUTE);
        var names = new Dictionary<int, string>();
        var request = new NetlinkWriter(64);
        request.Begin(LinkMessage.RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, new InterfaceInfoHeader());
        request.End();
        socket.Dump(request, "listing interfaces", message =>
        {
            if (LinkMessage.TryParse(message, out var link)) names[link.Index] = link.Name;
        });
        var addresses = new List<(string, Ipv4Address)>();
        request.Clear();
        request.Begin(AddressMessage.RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, new InterfaceAddressHeader(AF_INET));
        request.End();
        socket.Dump(request, "listing addresses", message =>
        {
            if (AddressMessage.TryParse(message, out var address) && names.TryGetValue(address.InterfaceIndex, out string? name))
                addresses.Add((name, address.Address));
        });
        return addresses;
    }

    public void Dispose() => _events.Dispose();
}
