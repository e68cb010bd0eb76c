using ClusterControl;
using Clusterd.Kernel.Netlink;

namespace Clusterd.Kernel.Routing;

/// <summary>
/// Route-mode forwarding, the 1997 behaviour: a packet keeps the shared address as destination
/// and leaves with the node's private address as next hop. Each node mark gets a route table
/// (numbered by the mark) holding one default route via the node, and a policy rule at
/// <see cref="Preference"/> sends packets carrying that mark to it; <see cref="LocalDeliveryBypass"/>
/// gets marked packets past local delivery when the front-end owns the shared address. Masq nodes get
/// the same table: after DNAT the destination is the node itself, so the route agrees.
/// </summary>
/// <remarks>
/// Rules at <see cref="Preference"/> and the tables they name belong to clusterd. They outlive
/// clusterd (a restart must not interrupt established connections): the next clusterd adopts them,
/// and <see cref="RemoveAll"/> (<c>clusterd --cleanup</c>) takes them away.
/// </remarks>
public sealed class PolicyRoutes : IDisposable
{
    public const uint Preference = 10000;

    private readonly Rtnetlink _rtnetlink = new();
    private readonly LocalDeliveryBypass _bypass;
    /// <summary>Node mark → the gateway its table routes to; null while the rule is in place but the route is still to make.</summary>
    private readonly Dictionary<uint, Ipv4Address?> _installed = [];

    /// <summary>Adopts the rules a previous clusterd left, so their connections keep flowing until <see cref="Sync"/>.</summary>
    public PolicyRoutes()
    {
        _bypass = new LocalDeliveryBypass(_rtnetlink);
        foreach (var rule in OwnRules(_rtnetlink.Rules())) _installed[rule.Mark] = null;
    }

    /// <summary>Puts clusterd's routing in front of local delivery; see <see cref="LocalDeliveryBypass"/>.</summary>
    public void Install() => _bypass.Install();

    /// <summary>
    /// Makes the installed routes <paramref name="wanted"/> (node mark → node address). A node that
    /// cannot be routed to now (its network is down or not yet configured) is logged and tried again
    /// at the next sync, rather than refusing the whole configuration; its rule is added once.
    /// </summary>
    public void Sync(IReadOnlyDictionary<uint, Ipv4Address> wanted)
    {
        foreach (var mark in _installed.Keys.Where(m => !wanted.ContainsKey(m)).ToList())
        {
            Remove(mark);
            _installed.Remove(mark);
        }
        foreach (var (mark, address) in wanted)
        {
            if (!_installed.TryGetValue(mark, out var routed))
            {
                _rtnetlink.AddRule(NodeRule(mark));
                _installed[mark] = null;
            }
            if (routed == address) continue;
            try
            {
                _rtnetlink.ReplaceDefaultRoute(mark, address);
                _installed[mark] = address;
            }
            catch (NetlinkException e)
            {
                Log.Error($"no route to node {address} yet ({e.Message}); will retry");
            }
        }
    }

    /// <summary>Removes every rule of clusterd's and the tables they name, whatever left them, and the bypass.</summary>
    public void RemoveAll()
    {
        foreach (var rule in OwnRules(_rtnetlink.Rules())) Remove(rule.Mark);
        _installed.Clear();
        _bypass.Remove();
    }

    private static RoutingRule NodeRule(uint mark) => RoutingRule.Lookup(Preference, mark, mark, uint.MaxValue);

    private static IEnumerable<RoutingRule> OwnRules(List<RoutingRule> rules) =>
        rules.Where(r => r.Preference == Preference && Marks.IsNode(r.Mark) && r == NodeRule(r.Mark));

    private void Remove(uint mark)
    {
        _rtnetlink.DeleteRule(NodeRule(mark));
        _rtnetlink.DeleteDefaultRoute(mark);
    }

    public void Dispose() => _rtnetlink.Dispose();
}
