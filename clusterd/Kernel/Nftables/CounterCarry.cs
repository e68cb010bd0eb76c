using Clusterd.Core;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// What rules about to be replaced have counted, carried into the rules replacing them: the k-th
/// new rule adding to a counter starts where the k-th old one left off, and the last new one takes
/// whatever old ones are left over. So a chain refilled around an unchanged ipfwadm rule keeps the
/// counts of each of its nft rules, and one rendered into fewer rules keeps its total. What the old
/// rules count between the reading and the write is lost.
/// </summary>
public sealed class CounterCarry
{
    private readonly Dictionary<string, Queue<RuleCounter>> _left = [];
    private readonly Dictionary<string, int> _takers = [];

    /// <param name="counted">What the old rules counted, by counter name, in order.</param>
    /// <param name="rules">The new rules, in order: every one is to be passed to <see cref="Into"/>.</param>
    public CounterCarry(IEnumerable<KeyValuePair<string, RuleCounter>> counted, IEnumerable<string> rules)
    {
        foreach (var (name, counts) in counted)
        {
            if (!_left.TryGetValue(name, out var left)) _left[name] = left = new Queue<RuleCounter>();
            left.Enqueue(counts);
        }
        foreach (string rule in rules)
            if (CountedRule.NameOf(rule) is { } name && _left.ContainsKey(name)) _takers[name] = _takers.GetValueOrDefault(name) + 1;
    }

    /// <summary><paramref name="rule"/>, its counter starting where the old rule it replaces left off.</summary>
    public string Into(string rule)
    {
        if (CountedRule.NameOf(rule) is not { } name || !_left.TryGetValue(name, out var left)) return rule;
        left.TryDequeue(out var counts);
        int takers = _takers.GetValueOrDefault(name) - 1;
        _takers[name] = takers;
        if (takers <= 0)
            while (left.TryDequeue(out var more)) counts += more;
        return CountedRule.StartingAt(rule, counts);
    }
}
