using ClusterControl;
using Clusterd.Kernel.Nftables;
using Clusterd.Kernel.Routing;
using Clusterd.State;

namespace Clusterd.Kernel;

/// <summary>
/// The real data plane: clusterd's nftables table, the NFQUEUE target rule, the per-node routes
/// and the front-end sysctls. Created at start, updated by <see cref="Apply"/>, removed on a clean exit.
/// </summary>
public sealed class KernelDataPlane : IDataPlane
{
    private readonly NftablesLibrary _nft = new();
    private readonly PolicyRoutes _routes = new();
    private readonly CounterLedger _counters = new();
    private readonly IFirewallRendering _firewall;
    private readonly Sysctls _sysctls;
    private bool _created;

    public KernelDataPlane(IFirewallRendering firewall, ushort firstQueue, ushort queues)
    {
        _firewall = firewall;
        _sysctls = new Sysctls();
        FirstQueue = firstQueue;
        Queues = queues;
    }

    public ushort FirstQueue { get; }
    public ushort Queues { get; }

    public void Apply(ClusterConfig config, IReadOnlyCollection<NodePlacement> retired)
    {
        var placements = config.Pools
            .SelectMany(pool => pool.Nodes.Select(node => new NodePlacement(node, pool.Name, pool.Forward)))
            .Concat(retired)
            .ToList();
        var masqNodes = placements
            .Where(p => p.Forward == ForwardMethod.Masq)
            .Select(p => (Marks.ForNode(p.Node.Mark), p.Node.Address));
        var counters = _firewall.CounterNames(config);
        string chains = _firewall.Chains(config) + _counters.DeleteUnwanted(counters);
        if (_created)
        {
            _nft.Run(ClusterTable.Update(chains, masqNodes));
        }
        else
        {
            // A table left by a killed clusterd is replaced in one transaction: known connections keep
            // their restore rule throughout; only new ones wait for the queue rule added next.
            _nft.Run(ClusterTable.Create(chains, masqNodes));
            QueueTargetRule.Append(ClusterTable.Name, ClusterTable.QueueChain, FirstQueue, Queues);
            _created = true;
        }
        _counters.Applied(counters);
        _routes.Sync(placements.ToDictionary(p => Marks.ForNode(p.Node.Mark), p => p.Node.Address));
    }

    public IReadOnlyDictionary<string, RuleCounter> Counters(IReadOnlyCollection<string> names, bool zero)
    {
        if (names.Count == 0) return new Dictionary<string, RuleCounter>();
        string script = zero
            ? string.Concat(names.Select(name => $"reset counter {ClusterTable.Qualified} {name}\n"))
            : $"list counters table {ClusterTable.Qualified}\n";
        return NamedCounters.Parse(_nft.Run(script, json: true));
    }

    public void Dispose()
    {
        try
        {
            if (_created) _nft.Run(ClusterTable.Delete);
        }
        catch (KernelRefusedException e)
        {
            Log.Error(e.Message);
        }
        _routes.RemoveAll();
        _routes.Dispose();
        _sysctls.Dispose();
        _nft.Dispose();
    }
}
