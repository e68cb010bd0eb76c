using System.Text;
using Clusterd.Core;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// Brings clusterd's table to given <see cref="TableContents"/>, each time in one transaction that
/// either applies or leaves the table as it was, without ever naming a rule by position or handle:
/// before an insert at a position, or an echo of the handles it gave, nft loads every rule of the
/// table, and with 10,000 rules that costs many times the change. A chain whose rules change is
/// refilled whole; a chain held in blocks (<see cref="BlockLayout"/>) has only the blocks refilled
/// that the change falls in, and its jumps rewritten when the blocks themselves are more or fewer.
/// So an <c>ipfwadm -a</c> among 10,000 rules hands nft one block of rules to parse, not 10,000.
/// </summary>
/// <remarks>
/// The first write, one whose declarations or chains differ from the last, and an edit the kernel
/// refuses refill everything: the table may have been changed behind clusterd's back (an operator's
/// <c>nft flush chain</c>), or left by an earlier clusterd, whose blocks are refilled under the same
/// names and those left over deleted. Counted rules keep their counts across a refill
/// (<see cref="CounterCarry"/>).
/// Not thread-safe: the data plane is driven under the state lock.
/// </remarks>
public sealed class TableWriter(NftablesLibrary nft)
{
    /// <summary>A chain clusterd fills — one of the table's, or a block of one — and the rules it was last given.</summary>
    private sealed record Block(string Name, IReadOnlyList<string> Rules);

    /// <summary>One of the table's chains, as the blocks holding its rules: itself alone when not in blocks.</summary>
    private sealed record HeldChain(bool InBlocks, List<Block> Blocks);

    private static readonly string Table = ClusterTable.Qualified;

    /// <summary>The declarations last written; null until a whole write has been applied.</summary>
    private string? _declarations;
    private string _elements = "";
    private Dictionary<string, HeldChain> _chains = [];

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

    /// <summary>
    /// What the counted rules adding to each of <paramref name="names"/> have counted; with
    /// <paramref name="zero"/>, their counters start again from zero.
    /// </summary>
    public IReadOnlyDictionary<string, RuleCounter> Counters(IReadOnlySet<string> names, bool zero)
    {
        var listed = ListTable();
        var counted = listed.Totals().Where(c => names.Contains(c.Key)).ToDictionary();
        if (!zero) return counted;
        var script = new StringBuilder();
        foreach (var block in _chains.Values.SelectMany(chain => chain.Blocks))
        {
            var held = listed.CountedIn(block.Name).ToList();
            if (!held.Any(c => names.Contains(c.Key) && c.Value != default)) continue;
            Refill(script, block, new CounterCarry(held.Where(c => !names.Contains(c.Key)), block.Rules));
        }
        if (script.Length > 0) nft.Run(script.ToString());
        return counted;
    }

    private bool CanEdit(TableContents contents) =>
        _declarations == contents.Declarations
        && contents.Chains.Count == _chains.Count
        && contents.Chains.All(chain => _chains.TryGetValue(chain, out var held) && held.InBlocks == contents.InBlocks(chain));

    private void Rewrite(TableContents contents)
    {
        var listed = ListTable();
        var script = new StringBuilder(contents.Declarations);
        var chains = new Dictionary<string, HeldChain>();
        foreach (string chain in contents.Chains)
        {
            var rules = contents.RulesOf(chain);
            var carry = new CounterCarry(listed.CountedIn(chain), rules);
            if (!contents.InBlocks(chain))
            {
                chains[chain] = new HeldChain(false, [new Block(chain, rules)]);
                Refill(script, chains[chain].Blocks[0], carry);
                continue;
            }
            var blocks = BlockLayout.Cut(rules).Select((block, i) => new Block(AddBlock(script, chain, i), block)).ToList();
            foreach (var block in blocks) Refill(script, block, carry);
            Jump(script, chain, blocks);
            chains[chain] = new HeldChain(true, blocks);
        }
        var named = chains.Values.SelectMany(chain => chain.Blocks).Select(block => block.Name).ToHashSet();
        foreach (string stale in listed.Chains.Where(name => BlockLayout.IsBlock(name) && !named.Contains(name)))
            Delete(script, stale);
        script.Append(contents.Elements);
        nft.Run(script.ToString());
        _declarations = contents.Declarations;
        _elements = contents.Elements;
        _chains = chains;
    }

    private void Edit(TableContents contents)
    {
        var script = new StringBuilder();
        if (contents.Elements != _elements) script.Append(contents.Elements);
        var chains = new Dictionary<string, HeldChain>(_chains);
        foreach (string chain in contents.Chains)
        {
            var held = _chains[chain];
            var wanted = contents.RulesOf(chain);
            if (!held.InBlocks)
            {
                if (held.Blocks[0].Rules.SequenceEqual(wanted)) continue;
                var refilled = new Block(chain, wanted);
                Refill(script, refilled, CarryFrom(held.Blocks, [refilled]));
                chains[chain] = new HeldChain(false, [refilled]);
                continue;
            }
            if (BlockLayout.Between([.. held.Blocks.Select(block => block.Rules)], wanted) is not { } change) continue;
            var replaced = held.Blocks.GetRange(change.First, change.Count);
            int unused = held.Blocks.Select(block => BlockLayout.NumberOf(block.Name) + 1).DefaultIfEmpty().Max();
            var placed = change.Blocks
                .Select((rules, i) => new Block(i < replaced.Count ? replaced[i].Name : AddBlock(script, chain, unused++), rules))
                .ToList();
            var carry = CarryFrom(replaced, placed);
            foreach (var block in placed) Refill(script, block, carry);
            List<Block> blocks = [.. held.Blocks.Take(change.First), .. placed, .. held.Blocks.Skip(change.First + change.Count)];
            if (placed.Count != replaced.Count)
            {
                Jump(script, chain, blocks);
                foreach (var gone in replaced.Skip(placed.Count)) Delete(script, gone.Name);
            }
            chains[chain] = new HeldChain(true, blocks);
        }
        if (script.Length == 0) return;
        nft.Run(script.ToString());
        _elements = contents.Elements;
        _chains = chains;
    }

    /// <summary>
    /// What the counted rules of the <paramref name="replaced"/> blocks have counted, for the rules of
    /// <paramref name="placed"/>; each block read only if it counts anything.
    /// </summary>
    private CounterCarry CarryFrom(IEnumerable<Block> replaced, IEnumerable<Block> placed) =>
        new(replaced
            .Where(block => block.Rules.Any(rule => CountedRule.NameOf(rule) is not null))
            .SelectMany(block => ListedTable.Parse(nft.Run($"list chain {Table} {block.Name}\n", json: true)).CountedIn(block.Name))
            .ToList(),
            placed.SelectMany(block => block.Rules));

    private ListedTable ListTable() => ListedTable.Parse(nft.Run($"list table {Table}\n", json: true));

    /// <summary>
    /// Declares block <paramref name="number"/> of <paramref name="chain"/>, or leaves it as it is if
    /// it exists. A whole write numbers the blocks from 0, so that a restarted clusterd writes the
    /// table its predecessor left; an edit numbers new ones past every number the chain uses.
    /// </summary>
    private static string AddBlock(StringBuilder script, string chain, int number)
    {
        string name = BlockLayout.Name(chain, number);
        script.Append($"add chain {Table} {name}\n");
        return name;
    }

    private static void Refill(StringBuilder script, Block block, CounterCarry carry)
    {
        script.Append($"flush chain {Table} {block.Name}\n");
        foreach (string rule in block.Rules)
            script.Append(TableContents.AddRule(block.Name)).Append(carry.Into(rule)).Append('\n');
    }

    private static void Jump(StringBuilder script, string chain, IEnumerable<Block> blocks)
    {
        script.Append($"flush chain {Table} {chain}\n");
        foreach (var block in blocks) script.Append(TableContents.AddRule(chain)).Append($"jump {block.Name}\n");
    }

    /// <summary>Deletes a block no longer jumped to: emptied first, as the kernel deletes only an empty chain.</summary>
    private static void Delete(StringBuilder script, string block) =>
        script.Append($"flush chain {Table} {block}\ndelete chain {Table} {block}\n");
}
