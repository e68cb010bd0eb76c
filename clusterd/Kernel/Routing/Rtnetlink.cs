using ClusterControl;
using Clusterd.Kernel.Netlink;
using Tmds.Linux;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Clusterd.Kernel.Routing;

/// <summary>
/// The rtnetlink messages route mode needs (linux/rtnetlink.h, linux/fib_rules.h): a default
/// route in a numbered table, and policy rules (<see cref="RoutingRule"/>) that send a firewall
/// mark to that table or past the local table.
/// Numbers in rtnetlink attributes are host order; addresses network order.
/// </summary>
public sealed class Rtnetlink : IRoutingRules, IDisposable
{
    internal const ushort RTM_NEWROUTE = 24, RTM_DELROUTE = 25, RTM_NEWRULE = 32, RTM_DELRULE = 33, RTM_GETRULE = 34;
    private const ushort RTA_GATEWAY = 5, RTA_TABLE = 15;
    private const ushort FRA_IIFNAME = 3, FRA_GOTO = 4, FRA_PRIORITY = 6, FRA_FWMARK = 10, FRA_TABLE = 15, FRA_FWMASK = 16,
        FRA_OIFNAME = 17, FRA_UID_RANGE = 20, FRA_IP_PROTO = 22, FRA_SPORT_RANGE = 23, FRA_DPORT_RANGE = 24;
    private const byte RTPROT_STATIC = 4, RT_SCOPE_UNIVERSE = 0, RTN_UNICAST = 1, FR_ACT_TO_TBL = 1, FR_ACT_GOTO = 2, FR_ACT_NOP = 3;

    /// <summary>An IPv4 default route (destination length 0), static unicast; the table goes in RTA_TABLE.</summary>
    private static readonly RouteHeader DefaultRoute = new(AF_INET, destinationLength: 0, table: 0, RTPROT_STATIC, RT_SCOPE_UNIVERSE, RTN_UNICAST);

    private readonly NetlinkSocket _socket = new(receiveBuffer: 1 << 20, protocol: NETLINK_ROUTE);

    /// <summary>Makes the only route of <paramref name="table"/> "default via <paramref name="gateway"/>".</summary>
    public void ReplaceDefaultRoute(uint table, Ipv4Address gateway)
    {
        var request = new NetlinkWriter(128);
        request.Begin(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, DefaultRoute);
        request.HostOrder32(RTA_TABLE, table);
        Span<byte> address = stackalloc byte[4];
        gateway.WriteNetworkOrder(address);
        request.Attribute(RTA_GATEWAY, address);
        request.End();
        _socket.Acknowledged(request, "adding a route");
    }

    /// <summary>Removes the default route of <paramref name="table"/>; a table already empty is fine.</summary>
    public void DeleteDefaultRoute(uint table)
    {
        var request = new NetlinkWriter(64);
        request.Begin(RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK, DefaultRoute);
        request.HostOrder32(RTA_TABLE, table);
        request.End();
        Tolerating([LibC.ESRCH, LibC.ENOENT], () => _socket.Acknowledged(request, "deleting a route"));
    }

    /// <summary>Adds <paramref name="rule"/>; an identical rule already there is fine (and not added twice).</summary>
    public void AddRule(RoutingRule rule) =>
        Tolerating([LibC.EEXIST], () => _socket.Acknowledged(Rule(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, rule), "adding a routing rule"));

    /// <summary>Deletes <paramref name="rule"/>; one already gone is fine.</summary>
    public void DeleteRule(RoutingRule rule) =>
        Tolerating([LibC.ENOENT], () => _socket.Acknowledged(Rule(RTM_DELRULE, 0, rule), "deleting a routing rule"));

    /// <summary>Every IPv4 rule, in the order the kernel evaluates them.</summary>
    public List<RoutingRule> Rules()
    {
        var request = new NetlinkWriter(64);
        request.Begin(RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP, new RuleHeader(AF_INET, action: 0));
        request.End();
        var rules = new List<RoutingRule>();
        _socket.Dump(request, "listing routing rules", message => rules.Add(ParseRule(message)));
        return rules;
    }

    /// <summary>Reads one answer of the rule dump; a message too short for its header is a rule clusterd never wrote.</summary>
    internal static RoutingRule ParseRule(NetlinkMessage message)
    {
        if (!message.TryFamilyHeader(out RuleHeader header)) return new RoutingRule(0, OtherSelectors: true);
        bool otherSelectors = header.DestinationLength != 0 || header.SourceLength != 0 || header.Tos != 0
            || header.Action is not (FR_ACT_TO_TBL or FR_ACT_GOTO or FR_ACT_NOP);
        uint table = header.Table;
        bool isGoto = header.Action == FR_ACT_GOTO, isNop = header.Action == FR_ACT_NOP;
        uint priority = 0, mark = 0, mask = 0, target = 0;
        foreach (var attribute in message.AttributesAfter<RuleHeader>())
        {
            if (attribute.Type is FRA_IIFNAME or FRA_OIFNAME or FRA_UID_RANGE or FRA_SPORT_RANGE or FRA_DPORT_RANGE or FRA_IP_PROTO)
                otherSelectors = true;
            if (!attribute.TryRead(out uint value)) continue;
            switch (attribute.Type)
            {
                case FRA_PRIORITY: priority = value; break;
                case FRA_FWMARK: mark = value; break;
                case FRA_FWMASK: mask = value; break;
                case FRA_TABLE: table = value; break;
                case FRA_GOTO: target = value; break;
            }
        }
        // A mark given without a mask matches it exactly (the kernel's default mask).
        if (mark != 0 && mask == 0) mask = uint.MaxValue;
        return new RoutingRule(priority, isGoto || isNop ? 0 : table, mark, mask, isGoto ? target : null, otherSelectors, isNop);
    }

    /// <summary>The request that adds or deletes <paramref name="rule"/>: no address selectors; a lookup's table goes in FRA_TABLE.</summary>
    /// <param name="request">A request to append the message to (several rules in one datagram); a new one when null.</param>
    internal static NetlinkWriter Rule(ushort type, ushort flags, RoutingRule rule, NetlinkWriter? request = null)
    {
        request ??= new NetlinkWriter(128);
        byte action = rule.Nop ? FR_ACT_NOP : rule.GotoPreference is null ? FR_ACT_TO_TBL : FR_ACT_GOTO;
        request.Begin(type, (ushort)(NLM_F_REQUEST | NLM_F_ACK | flags), new RuleHeader(AF_INET, action));
        if (rule.MarkMask != 0)
        {
            request.HostOrder32(FRA_FWMARK, rule.Mark);
            request.HostOrder32(FRA_FWMASK, rule.MarkMask);
        }
        request.HostOrder32(FRA_PRIORITY, rule.Preference);
        if (rule.GotoPreference is { } target) request.HostOrder32(FRA_GOTO, target);
        else if (!rule.Nop) request.HostOrder32(FRA_TABLE, rule.Table);
        request.End();
        return request;
    }

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
