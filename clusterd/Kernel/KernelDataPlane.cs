using System.Diagnostics;
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
    private readonly TableWriter _table;
    private readonly PolicyRoutes _routes = KernelCall.Run("reading the routing rules", () => new PolicyRoutes());
    private readonly IFirewallRendering _firewall;
    private readonly INetworkInterfaces _interfaces;
    private readonly IQueueTarget _queueTarget;
    private readonly bool _failClosed;
    private bool _taken;

    /// <param name="failClosed">Without clusterd new connections are dropped: no fallback rules (and the
    /// <paramref name="queueTarget"/> given has no bypass).</param>
    public KernelDataPlane(IFirewallRendering firewall, INetworkInterfaces interfaces, IQueueTarget queueTarget, string stateDirectory, bool failClosed)
    {
        _firewall = firewall;
        _interfaces = interfaces;
        _queueTarget = queueTarget;
        _failClosed = failClosed;
        _table = new TableWriter(_nft);
        KernelCall.Run("setting the sysctls", new Sysctls(stateDirectory).Apply);
        KernelCall.Run("putting the node routes ahead of local delivery", _routes.Install);
    }

    public void Apply(ClusterConfig config, IReadOnlyCollection<NodePlacement> retired, IReadOnlySet<int> failed)
    {
        var placements = config.Pools
            .SelectMany(pool => pool.Nodes.Select(node => new NodePlacement(node, pool.Name, pool.Forward)))
            .Concat(retired)
            .ToList();
        var masqNodes = placements
            .Where(p => p.Forward == ForwardMethod.Masq)
            .Select(p => (Marks.ForNode(p.Node.Id), p.Node.Address));
        if (!_taken) TakeTable();
        long started = Stopwatch.GetTimestamp();
        var table = new TableContents();
        ClusterTable.Fill(table, masqNodes);
        if (!_failClosed) FallbackRules.Fill(table, config, failed);
        _firewall.Fill(table, config, _interfaces.Addresses());
        var rendered = Stopwatch.GetElapsedTime(started);
        _table.Write(table);
        var written = Stopwatch.GetElapsedTime(started) - rendered;
        KernelCall.Run("routing to the nodes", () => _routes.Sync(placements.ToDictionary(p => Marks.ForNode(p.Node.Id), p => p.Node.Address)));
        Log.Debug(1, $"table rendered in {rendered.TotalMilliseconds:F1} ms, nft wrote it in {written.TotalMilliseconds:F1} ms");
    }

    /// <summary>
    /// Makes sure the table exists with the queue target in place before any rule jumps to it. A table
    /// a previous clusterd left keeps forwarding meanwhile; its rules are replaced by the first update.
    /// </summary>
    private void TakeTable()
    {
        _nft.Run(ClusterTable.Skeleton);
        _queueTarget.Replace(ClusterTable.Name, ClusterTable.QueueChain);
        _taken = true;
    }

    public IReadOnlyDictionary<string, RuleCounter> Counters(IReadOnlyCollection<string> names, bool zero) =>
        names.Count == 0 ? new Dictionary<string, RuleCounter>() : _table.Counters(names.ToHashSet(), zero);

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
