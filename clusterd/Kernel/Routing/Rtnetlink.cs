using ClusterControl;
using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Clusterd.Kernel.Routing;

/// <summary>
/// The rtnetlink messages route mode needs (linux/rtnetlink.h, linux/fib_rules.h): a default
/// route in a numbered table, and a policy rule sending a firewall mark to that table.
/// Numbers in rtnetlink attributes are host order; addresses network order.
/// </summary>
public sealed class Rtnetlink : IDisposable
{
    private const ushort RTM_NEWROUTE = 24, RTM_DELROUTE = 25, RTM_NEWRULE = 32, RTM_DELRULE = 33, RTM_GETRULE = 34;
    private const ushort RTA_GATEWAY = 5, RTA_TABLE = 15;
    private const ushort FRA_PRIORITY = 6, FRA_FWMARK = 10, FRA_TABLE = 15, FRA_FWMASK = 16;
    private const byte RTPROT_STATIC = 4, RT_SCOPE_UNIVERSE = 0, RTN_UNICAST = 1, FR_ACT_TO_TBL = 1;
    /// <summary>struct rtmsg and struct fib_rule_hdr are both 12 bytes.</summary>
    private const int FamilyHeaderSize = 12;

    public const int ENOENT = 2, ESRCH = 3, EEXIST = 17;

    private readonly NetlinkSocket _socket = new(receiveBuffer: 1 << 20, protocol: NETLINK_ROUTE);

    /// <summary>Makes the only route of <paramref name="table"/> "default via <paramref name="gateway"/>".</summary>
    public void ReplaceDefaultRoute(uint table, Ipv4Address gateway)
    {
        var request = new NetlinkWriter(128);
        request.Begin(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, RouteHeader());
        request.HostOrder32(RTA_TABLE, table);
        Span<byte> address = stackalloc byte[4];
        gateway.WriteNetworkOrder(address);
        request.Attribute(RTA_GATEWAY, address);
        request.End();
        _socket.Acknowledged(request.Written);
    }

    /// <summary>Removes the default route of <paramref name="table"/>; a table already empty is fine.</summary>
    public void DeleteDefaultRoute(uint table)
    {
        var request = new NetlinkWriter(64);
        request.Begin(RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK, RouteHeader());
        request.HostOrder32(RTA_TABLE, table);
        request.End();
        Tolerating([ESRCH, ENOENT], () => _socket.Acknowledged(request.Written));
    }

    /// <summary>"ip rule add fwmark MARK table TABLE pref PREFERENCE"; an identical rule already there is fine.</summary>
    public void AddRule(uint mark, uint table, uint preference) =>
        Tolerating([EEXIST], () => _socket.Acknowledged(Rule(RTM_NEWRULE, NLM_F_CREATE, mark, table, preference)));

    public void DeleteRule(uint mark, uint table, uint preference) =>
        Tolerating([ENOENT], () => _socket.Acknowledged(Rule(RTM_DELRULE, 0, mark, table, preference)));

    /// <summary>The fwmark rules at <paramref name="preference"/>: (mark, table) of each.</summary>
    public List<(uint Mark, uint Table)> RulesAt(uint preference)
    {
        var request = new NetlinkWriter(64);
        request.Begin(RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP, RuleHeader());
        request.End();
        var rules = new List<(uint, uint)>();
        _socket.Dump(request.Written, "listing routing rules", message =>
        {
            uint priority = 0, mark = 0, table = 0;
            foreach (var attribute in message.AttributesAfter(FamilyHeaderSize))
            {
                if (attribute.Payload.Length < 4) continue;
                uint value = BitConverter.ToUInt32(attribute.Payload);
                switch (attribute.Type)
                {
                    case FRA_PRIORITY: priority = value; break;
                    case FRA_FWMARK: mark = value; break;
                    case FRA_TABLE: table = value; break;
                }
            }
            if (priority == preference && mark != 0) rules.Add((mark, table));
        });
        return rules;
    }

    private static byte[] Rule(ushort type, ushort flags, uint mark, uint table, uint preference)
    {
        var request = new NetlinkWriter(128);
        request.Begin(type, (ushort)(NLM_F_REQUEST | NLM_F_ACK | flags), RuleHeader());
        request.HostOrder32(FRA_FWMARK, mark);
        request.HostOrder32(FRA_FWMASK, uint.MaxValue);
        request.HostOrder32(FRA_PRIORITY, preference);
        request.HostOrder32(FRA_TABLE, table);
        request.End();
        return request.Written.ToArray();
    }

    /// <summary>struct rtmsg: IPv4, default destination (length 0), static unicast route; the table goes in RTA_TABLE.</summary>
    private static byte[] RouteHeader() => [AF_INET, 0, 0, 0, 0, RTPROT_STATIC, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0, 0, 0, 0];

    /// <summary>struct fib_rule_hdr: IPv4, action "to table"; the table goes in FRA_TABLE.</summary>
    private static byte[] RuleHeader() => [AF_INET, 0, 0, 0, 0, 0, 0, FR_ACT_TO_TBL, 0, 0, 0, 0];

    private static void Tolerating(int[] harmless, Action request)
    {
        try
        {
            request();
        }
        catch (NetlinkException e) when (harmless.Contains(e.Errno))
        {
        }
    }

    public void Dispose() => _socket.Dispose();
}
