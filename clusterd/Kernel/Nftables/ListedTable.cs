using System.Text.Json;
using Clusterd.Core;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// What nft lists of clusterd's table as JSON (<c>list table</c>, <c>list chain</c>): the chains,
/// and what each counted rule (<see cref="CountedRule"/>) has counted, in the order the rules run.
/// </summary>
public sealed class ListedTable
{
    /// <summary>A rule that matters here: a counted one, or a jump into a block.</summary>
    private sealed record Entry(string? Name, RuleCounter Counted, string? Block);

    private readonly Dictionary<string, List<Entry>> _chains = [];

    public IReadOnlyCollection<string> Chains => _chains.Keys;

    /// <summary>
    /// What the counted rules of <paramref name="chain"/> have counted, by counter name, in order,
    /// those of the blocks it jumps to (<see cref="BlockLayout"/>) where it jumps to them.
    /// </summary>
    public IEnumerable<KeyValuePair<string, RuleCounter>> CountedIn(string chain)
    {
        foreach (var entry in _chains.GetValueOrDefault(chain) ?? [])
        {
            if (entry.Block is not null)
                foreach (var counted in CountedIn(entry.Block)) yield return counted;
            else yield return new(entry.Name!, entry.Counted);
        }
    }

    /// <summary>What every counter has counted, over all the rules that add to it.</summary>
    public Dictionary<string, RuleCounter> Totals()
    {
        var totals = new Dictionary<string, RuleCounter>();
        foreach (var (name, counted) in _chains.Keys.Where(chain => !BlockLayout.IsBlock(chain)).SelectMany(CountedIn))
            totals[name] = totals.GetValueOrDefault(name) + counted;
        return totals;
    }

    public static ListedTable Parse(string json)
    {
        var table = new ListedTable();
        using var document = JsonDocument.Parse(json);
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("chain", out var chain))
                table.EntriesOf(chain.GetProperty("name").GetString()!);
            else if (item.TryGetProperty("rule", out var rule) && EntryFor(rule) is { } entry)
                table.EntriesOf(rule.GetProperty("chain").GetString()!).Add(entry);
        }
        return table;
    }

    private List<Entry> EntriesOf(string chain)
    {
        if (!_chains.TryGetValue(chain, out var entries)) _chains[chain] = entries = [];
        return entries;
    }

    private static Entry? EntryFor(JsonElement rule)
    {
        bool named = rule.TryGetProperty("comment", out var comment);
        foreach (var expression in rule.GetProperty("expr").EnumerateArray())
        {
            if (named && expression.TryGetProperty("counter", out var counter))
                return new Entry(comment.GetString(), new RuleCounter(counter.GetProperty("packets").GetUInt64(), counter.GetProperty("bytes").GetUInt64()), null);
            if (expression.TryGetProperty("jump", out var jump) && jump.GetProperty("target").GetString() is { } target && BlockLayout.IsBlock(target))
                return new Entry(null, default, target);
        }
        return null;
    }
}
