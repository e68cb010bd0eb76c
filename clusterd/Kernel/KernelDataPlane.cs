using ClusterControl;
using Clusterd.Core;
using Clusterd.Kernel.Netlink;
using Clusterd.Kernel.Nftables;
using Clusterd.Kernel.Routing;
using Clusterd.State;

namespace Clusterd.Kernel;

/// <summary>
/// The real data plane: clusterd's nftables table, the NFQUEUE target rule, the per-node routes
/// and the front-end sysctls. Taken over (or made) at start and updated by <see cref="Apply"/>.
/// It all stays in the kernel when clusterd stops, so that neither a stop nor a restart interrupts
/// an established connection; <see cref="RemoveAll"/> (<c>clusterd --cleanup</c>) takes it away.
/// </summary>
public sealed class KernelDataPlane : IDataPlane
{
    private readonly NftablesLibrary _nft = new();
    private readonly PolicyRoutes _routes = KernelCall.Run("reading the routing rules", () => new PolicyRoutes());
    private readonly CounterLedger _counters = new();
    private readonly IFirewallRendering _firewall;
    private readonly INetworkInterfaces _interfaces;
    private readonly IQueueTarget _queueTarget;
    private readonly bool _failClosed;
    private bool _taken;
    /// <summary>The firewall chains last programmed, to tell whether new interface addresses change them.</summary>
    private string? _appliedChains;

    /// <param name="failClosed">Without clusterd new connections are dropped: no fallback rules (and the
    /// <paramref name="queueTarget"/> given has no bypass).</param>
    public KernelDataPlane(IFirewallRendering firewall, INetworkInterfaces interfaces, IQueueTarget queueTarget, string stateDirectory, bool failClosed)
    {
        _firewall = firewall;
        _interfaces = interfaces;
        _queueTarget = queueTarget;
        _failClosed = failClosed;
        KernelCall.Run("setting the sysctls", new Sysctls(stateDirectory).Apply);
        KernelCall.Run("putting the node routes ahead of local delivery", _routes.Install);
    }

    public void Apply(ClusterConfig config, IReadOnlyCollection<NodePlacement> retired, IReadOnlySet<int> failed) =>
        Program(config, retired, failed, _firewall.Chains(config, _interfaces.Addresses()));

    public void InterfacesChanged(ClusterConfig config, IReadOnlyCollection<NodePlacement> retired, IReadOnlySet<int> failed)
    {
        string chains = _firewall.Chains(config, _interfaces.Addresses());
        if (chains != _appliedChains) Program(config, retired, failed, chains);
    }

    private void Program(ClusterConfig config, IReadOnlyCollection<NodePlacement> retired, IReadOnlySet<int> failed, string chains)
    {
        var placements = config.Pools
            .SelectMany(pool => pool.Nodes.Select(node => new NodePlacement(node, pool.Name, pool.Forward)))
            .Concat(retired)
            .ToList();
        var masqNodes = placements
            .Where(p => p.Forward == ForwardMethod.Masq)
            .Select(p => (Marks.ForNode(p.Node.Id), p.Node.Address));
        if (!_taken) TakeTable();
        var counters = _firewall.CounterNames(config);
        string fallback = _failClosed ? "" : FallbackRules.Render(config, failed);
        _nft.Run(ClusterTable.Update(chains + _counters.DeleteUnwanted(counters), masqNodes, fallback));
        _counters.Applied(counters);
        KernelCall.Run("routing to the nodes", () => _routes.Sync(placements.ToDictionary(p => Marks.ForNode(p.Node.Id), p => p.Node.Address)));
        _appliedChains = chains;
    }

    /// <summary>
    /// Makes sure the table exists with the queue target in place before any rule jumps to it. A table
    /// a previous clusterd left keeps forwarding meanwhile; its rules are replaced by the first update.
    /// </summary>
    private void TakeTable()
    {
        _nft.Run(ClusterTable.Skeleton);
        _queueTarget.Replace(ClusterTable.Name, ClusterTable.QueueChain);
        // Counters a previous clusterd left for rules since deleted go with the first update.
        _counters.Applied(NamedCounters.Parse(_nft.Run($"list counters table {ClusterTable.Qualified}\n", json: true)).Keys.ToHashSet());
        _taken = true;
    }

    public IReadOnlyDictionary<string, RuleCounter> Counters(IReadOnlyCollection<string> names, bool zero)
    {
        if (names.Count == 0) return new Dictionary<string, RuleCounter>();
        string script = zero
            ? string.Concat(names.Select(name => $"reset counter {ClusterTable.Qualified} {name}\n"))
            : $"list counters table {ClusterTable.Qualified}\n";
        return NamedCounters.Parse(_nft.Run(script, json: true));
    }

    /// <summary>
    /// Removes everything clusterd put into the kernel — the table, the routing rules and tables — and
    /// puts the sysctls back as they were before clusterd first ran. Established connections through
    /// the front-end stop being forwarded.
    /// </summary>
    public static void RemoveAll(string stateDirectory)
    {
        using (var nft = new NftablesLibrary()) nft.Run(ClusterTable.Delete);
        KernelCall.Run("removing the node routes", () =>
        {
            using var routes = new PolicyRoutes();
            routes.RemoveAll();
        });
        KernelCall.Run("restoring the sysctls", new Sysctls(stateDirectory).Restore);
    }

    public void Dispose()
    {
        _routes.Dispose();
        _nft.Dispose();
    }
}
