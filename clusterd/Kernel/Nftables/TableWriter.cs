using System.Globalization;
using System.Text;
using Clusterd.Core;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// Brings clusterd's table to given <see cref="TableContents"/>, each time in one transaction that
/// either applies or leaves the table as it was. The first write, and one whose declarations or
/// chains differ from the last, empties and refills every chain. Any other edits each chain where
/// its rules differ: the rules before and after the difference stay, the old rules between are
/// deleted by handle and the new ones inserted ahead of the first rule after (or appended), so an
/// <c>ipfwadm -a</c> among 10,000 rules hands nft one rule to parse, not 10,000. The handles of the
/// rules it adds come back in nft's echo of them.
/// </summary>
/// <remarks>
/// An edit the kernel refuses is tried once more as a whole write: the table may have been changed
/// behind clusterd's back (an operator's <c>nft delete rule</c>), leaving handles that are no more.
/// Not thread-safe: the data plane is driven under the state lock.
/// </remarks>
public sealed class TableWriter(NftablesLibrary nft)
{
    /// <summary>A chain as the kernel holds it: clusterd's rule texts and, for each, its handle.</summary>
    private sealed record HeldChain(List<string> Rules, List<ulong> Handles);

    private readonly CounterLedger _counters = new();
    /// <summary>The declarations last written; null until a whole write has been applied.</summary>
    private string? _declarations;
    private string _elements = "";
    private Dictionary<string, HeldChain> _chains = [];

    /// <summary>The table already holds these counters (left by an earlier clusterd): those no rule names go with the next write.</summary>
    public void CountersHeld(IReadOnlySet<string> names) => _counters.Applied(names);

    /// <exception cref="KernelRefusedException">nft refused; the table holds what it held.</exception>
    public void Write(TableContents contents)
    {
        if (CanEdit(contents))
        {
            try
            {
                Edit(contents);
                return;
            }
            catch (KernelRefusedException)
            {
                // Written whole below: the table may no longer be what this writer last left.
            }
        }
        Rewrite(contents);
    }

    private bool CanEdit(TableContents contents) =>
        _declarations == contents.Declarations
        && contents.Chains.Count == _chains.Count
        && contents.Chains.All(_chains.ContainsKey);

    private void Rewrite(TableContents contents)
    {
        string script = contents.Script() + _counters.DeleteUnwanted(contents.Counters);
        var edits = contents.Chains.Select(chain => (chain, ChainEdit.Between([], contents.RulesOf(chain)))).ToList();
        Record(contents, [], edits, nft.Run(script, echo: true));
    }

    private void Edit(TableContents contents)
    {
        var script = new StringBuilder();
        foreach (string counter in contents.Counters.Where(name => !_counters.Holds(name)))
            script.Append(TableContents.AddCounter(counter));
        if (contents.Elements != _elements) script.Append(contents.Elements);
        var edits = new List<(string Chain, ChainEdit Edit)>();
        foreach (string chain in contents.Chains)
        {
            var held = _chains[chain];
            var edit = ChainEdit.Between(held.Rules, contents.RulesOf(chain));
            if (edit.Changes) edits.Add((chain, edit));
            foreach (ulong handle in held.Handles.Skip(edit.Kept).Take(edit.Removed))
                script.Append($"delete rule {ClusterTable.Qualified} {chain} handle {handle}\n");
            string placement = edit.KeptAfter > 0
                ? $"insert rule {ClusterTable.Qualified} {chain} position {held.Handles[^edit.KeptAfter]} "
                : TableContents.AddRule(chain);
            foreach (string rule in edit.Added) script.Append(placement).Append(rule).Append('\n');
        }
        script.Append(_counters.DeleteUnwanted(contents.Counters));
        if (script.Length == 0) return;

        Record(contents, _chains, edits, nft.Run(script.ToString(), echo: true));
    }

    /// <summary>
    /// The kernel took a write that made <paramref name="edits"/> to the chains <paramref name="before"/>
    /// (none for a whole write): the chains now hold their kept rules and, between them, the added
    /// ones, whose handles <paramref name="echo"/> gives in the order they were added.
    /// </summary>
    private void Record(TableContents contents, Dictionary<string, HeldChain> before, List<(string Chain, ChainEdit Edit)> edits, string echo)
    {
        var handles = AddedRuleHandles(echo).ToList();
        if (handles.Count != edits.Sum(e => e.Edit.Added.Count))
        {
            Forget(contents);
            return;
        }
        var chains = new Dictionary<string, HeldChain>(before);
        int next = 0;
        foreach (var (chain, edit) in edits)
        {
            var held = before.GetValueOrDefault(chain) ?? new HeldChain([], []);
            chains[chain] = new HeldChain(
                [.. held.Rules.Take(edit.Kept), .. edit.Added, .. held.Rules.TakeLast(edit.KeptAfter)],
                [.. held.Handles.Take(edit.Kept), .. handles.GetRange(next, edit.Added.Count), .. held.Handles.TakeLast(edit.KeptAfter)]);
            next += edit.Added.Count;
        }
        _declarations = contents.Declarations;
        _elements = contents.Elements;
        _chains = chains;
        _counters.Applied(contents.Counters);
    }

    /// <summary>
    /// The kernel took the write, but nft's echo did not give every added rule's handle: the next
    /// write is a whole one, which needs none.
    /// </summary>
    private void Forget(TableContents contents)
    {
        _declarations = null;
        _chains = [];
        _counters.Applied(contents.Counters);
    }

    /// <summary>The handles nft's echo gives the rules it added or inserted, in the order of the script's statements.</summary>
    public static IEnumerable<ulong> AddedRuleHandles(string echo)
    {
        const string Marker = "# handle ";
        foreach (string line in echo.Split('\n'))
        {
            if (!line.StartsWith("add rule ", StringComparison.Ordinal) && !line.StartsWith("insert rule ", StringComparison.Ordinal)) continue;
            int at = line.LastIndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0 && ulong.TryParse(line.AsSpan(at + Marker.Length).TrimEnd(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong handle))
                yield return handle;
        }
    }
}
