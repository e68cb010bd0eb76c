using ClusterControl;
using Clusterd.Kernel.Netlink;

namespace Clusterd.Kernel.Routing;

/// <summary>
/// Route-mode forwarding, the 1997 behaviour: a packet keeps the shared address as destination
/// and leaves with the node's private address as next hop. Each node mark gets a route table
/// (numbered by the mark) holding one default route via the node, and a policy rule sends packets
/// carrying that mark to it; <see cref="LocalDeliveryBypass"/> gets marked packets past local
/// delivery when the front-end owns the shared address. Masq nodes get the same table: after DNAT
/// the destination is the node itself, so the route agrees.
/// </summary>
/// <remarks>
/// The kernel walks the policy rules one by one for every packet it routes, so the node rules are
/// laid out for short walks whatever the number of nodes:
/// <code>
/// 10000: fwmark 0/NODE goto 10033                    a packet without a node mark skips them all
/// 10000: fwmark NODE|b/TAGS|31 goto 10001+b          b = 0..31: one with a node mark goes to its bucket
/// 10001+b: fwmark NODE|n lookup NODE|n               the nodes n with n mod 32 = b
/// 10033: nop                                          where the skip lands
/// </code>
/// With 1000 nodes a node-marked packet meets about 40 rules, not 500, and any other packet 2,
/// not 1000. The rules from <see cref="Preference"/> to <see cref="Landing"/> and the tables they
/// name belong to clusterd. They outlive clusterd (a restart must not interrupt established
/// connections): the next clusterd adopts them, and <see cref="RemoveAll"/> (<c>clusterd
/// --cleanup</c>) takes them away. Node rules of the earlier layout, every one at
/// <see cref="Preference"/>, are moved into their buckets when adopted.
/// </remarks>
public sealed class PolicyRoutes : IDisposable
{
    /// <summary>Where <see cref="LocalDeliveryBypass"/> jumps: the dispatch to the buckets.</summary>
    public const uint Preference = 10000;

    private const uint Buckets = 32, Landing = Preference + Buckets + 1;

    /// <summary>The skip, the dispatch to every bucket and the skip's landing: the same whatever the nodes.</summary>
    private static readonly RoutingRule[] Layout =
    [
        RoutingRule.Goto(Preference, Landing, 0, Marks.NodeTag),
        .. Enumerable.Range(0, (int)Buckets).Select(b => Marks.NodeTag | (uint)b)
            .Select(mark => RoutingRule.Goto(Preference, PreferenceOf(mark), mark, Marks.TagMask | (Buckets - 1))),
        RoutingRule.NoOperation(Landing),
    ];

    private readonly Rtnetlink _rtnetlink = new();
    private readonly LocalDeliveryBypass _bypass;
    /// <summary>Node mark → the gateway its table routes to; null while the rule is in place but the route is still to make.</summary>
    private readonly Dictionary<uint, Ipv4Address?> _installed = [];
    /// <summary>Node rules of the earlier layout, to move into their buckets once the dispatch is in place.</summary>
    private readonly List<RoutingRule> _unbucketed;

    /// <summary>Adopts the rules a previous clusterd left, so their connections keep flowing until <see cref="Sync"/>.</summary>
    public PolicyRoutes()
    {
        _bypass = new LocalDeliveryBypass(_rtnetlink);
        var rules = _rtnetlink.Rules();
        foreach (var rule in OwnRules(rules)) _installed[rule.Mark] = null;
        _unbucketed = [.. UnbucketedRules(rules)];
    }

    /// <summary>
    /// Lays out the dispatch to the node rules, then puts it ahead of local delivery (see
    /// <see cref="LocalDeliveryBypass"/>); a rule already there stays as it is.
    /// </summary>
    public void Install()
    {
        foreach (var rule in Layout) _rtnetlink.AddRule(rule);
        foreach (var old in _unbucketed)
        {
            _rtnetlink.AddRule(NodeRule(old.Mark)); // in its bucket before it goes, so the mark is never unrouted
            _rtnetlink.DeleteRule(old);
            _installed.TryAdd(old.Mark, null);
        }
        _unbucketed.Clear();
        _bypass.Install();
    }

    /// <summary>
    /// Makes the installed routes <paramref name="wanted"/> (node mark → node address). A node that
    /// cannot be routed to now (its network is down or not yet configured) is logged and tried again
    /// at the next sync, rather than refusing the whole configuration; its rule is added once.
    /// </summary>
    public void Sync(IReadOnlyDictionary<uint, Ipv4Address> wanted)
    {
        foreach (var mark in _installed.Keys.Where(m => !wanted.ContainsKey(m)).ToList())
        {
            Remove(NodeRule(mark));
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
        _bypass.Remove();
        var rules = _rtnetlink.Rules();
        foreach (var rule in OwnRules(rules).Concat(UnbucketedRules(rules))) Remove(rule);
        foreach (var rule in Layout) _rtnetlink.DeleteRule(rule);
        _installed.Clear();
    }

    /// <summary>The preference of the bucket holding the rule of node mark <paramref name="mark"/>.</summary>
    private static uint PreferenceOf(uint mark) => Preference + 1 + mark % Buckets;

    private static RoutingRule NodeRule(uint mark) => RoutingRule.Lookup(PreferenceOf(mark), mark, mark, uint.MaxValue);

    private static IEnumerable<RoutingRule> OwnRules(List<RoutingRule> rules) =>
        rules.Where(r => Marks.IsNode(r.Mark) && r == NodeRule(r.Mark));

    private static IEnumerable<RoutingRule> UnbucketedRules(List<RoutingRule> rules) =>
        rules.Where(r => Marks.IsNode(r.Mark) && r == RoutingRule.Lookup(Preference, r.Mark, r.Mark, uint.MaxValue));

    /// <summary>Deletes a node rule and the default route of the table it names (numbered by the mark).</summary>
    private void Remove(RoutingRule nodeRule)
    {
        _rtnetlink.DeleteRule(nodeRule);
        _rtnetlink.DeleteDefaultRoute(nodeRule.Mark);
    }

    public void Dispose() => _rtnetlink.Dispose();
}
