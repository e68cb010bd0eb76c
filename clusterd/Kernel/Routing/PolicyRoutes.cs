using ClusterControl;
using Clusterd.Kernel.Netlink;

namespace Clusterd.Kernel.Routing;

/// <summary>
/// Route-mode forwarding, the 1997 behaviour: a packet keeps the shared address as destination
/// and leaves with the node's private address as next hop. Each node mark gets a route table
/// (numbered by the mark) holding one default route via the node, and a policy rule at
/// <see cref="Preference"/> sends packets carrying that mark to it. Masq nodes get the same
/// table: after DNAT the destination is the node itself, so the route agrees.
/// </summary>
/// <remarks>Rules at <see cref="Preference"/> and the tables they name belong to clusterd.</remarks>
public sealed class PolicyRoutes : IDisposable
{
    public const uint Preference = 10000;

    private readonly Rtnetlink _rtnetlink = new();
    /// <summary>Node mark → the gateway its table routes to (default = rule in place, route still to make).</summary>
    private readonly Dictionary<uint, Ipv4Address> _installed = [];

    /// <summary>Adopts the rules a killed clusterd left, so their connections keep flowing until <see cref="Sync"/>.</summary>
    public PolicyRoutes()
    {
        foreach (var (mark, _) in _rtnetlink.RulesAt(Preference)) _installed[mark] = default;
    }

    /// <summary>
    /// Makes the installed routes <paramref name="wanted"/> (node mark → node address). A node that
    /// cannot be routed to now (its network is down or not yet configured) is logged and tried again
    /// at the next sync, rather than refusing the whole configuration.
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
            if (_installed.TryGetValue(mark, out var current) && current == address) continue;
            _rtnetlink.AddRule(mark, mark, Preference);
            _installed[mark] = default;
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

    /// <summary>Removes every rule at clusterd's preference and its table, whatever left them.</summary>
    public void RemoveAll()
    {
        foreach (var (mark, _) in _rtnetlink.RulesAt(Preference)) Remove(mark);
        _installed.Clear();
    }

    private void Remove(uint mark)
    {
        _rtnetlink.DeleteRule(mark, mark, Preference);
        _rtnetlink.DeleteDefaultRoute(mark);
    }

    public void Dispose() => _rtnetlink.Dispose();
}
