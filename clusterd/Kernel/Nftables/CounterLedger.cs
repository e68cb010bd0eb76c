namespace Clusterd.Kernel.Nftables;

/// <summary>
/// Which named counters clusterd's table holds, so that a ruleset change also deletes the counters
/// of the rules it drops: a rule deleted or flushed, or one a refused change had added and the
/// roll-back took out again. Without it counters are only ever added, and a refused request would
/// leave one behind. Not thread-safe: the data plane is driven under the state lock.
/// </summary>
public sealed class CounterLedger
{
    private HashSet<string> _inKernel = [];

    /// <summary>
    /// nft statements deleting the counters no longer <paramref name="wanted"/>. They belong at the
    /// end of the transaction that replaces the rules: the kernel refuses to delete a counter a rule
    /// still uses, and the flush earlier in the same transaction has released them.
    /// </summary>
    public string DeleteUnwanted(IReadOnlySet<string> wanted) =>
        string.Concat(_inKernel.Where(name => !wanted.Contains(name)).Select(name => $"delete counter {ClusterTable.Qualified} {name}\n"));

    public bool Holds(string name) => _inKernel.Contains(name);

    /// <summary>The kernel took the transaction: it now holds exactly <paramref name="wanted"/>.</summary>
    public void Applied(IReadOnlySet<string> wanted) => _inKernel = [.. wanted];
}
