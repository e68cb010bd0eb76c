using System.Globalization;
using Clusterd.Core;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// A rule that counts what it matches: its text holds one anonymous <c>counter</c> statement and
/// ends in a comment naming the counter it adds to (an ipfwadm rule's several nft rules share one
/// name). Anonymous counters, not named ones, because nft loads every named object of the table
/// before adding any rule, which with 10,000 rules costs a rule change more than the rule itself.
/// Such a counter lives and dies with its rule, so whoever replaces the rule carries its counts
/// into the new one (<see cref="CounterCarry"/>).
/// </summary>
public static class CountedRule
{
    private const string Statement = "counter";
    private const string CommentStart = " comment \"";

    /// <summary>
    /// The rule <c>{match} counter{action} comment "{name}"</c>. <paramref name="action"/> begins
    /// with a space when not empty.
    /// </summary>
    public static string Text(string match, string action, string name) =>
        $"{(match.Length > 0 ? match + " " : "")}{Statement}{action}{CommentStart}{name}\"";

    /// <summary>The counter a rule adds to, or null for a rule that counts nothing.</summary>
    public static string? NameOf(string rule)
    {
        if (!rule.EndsWith('"')) return null;
        int at = rule.LastIndexOf(CommentStart, StringComparison.Ordinal);
        return at < 0 ? null : rule[(at + CommentStart.Length)..^1];
    }

    /// <summary>The rule with its counter starting at <paramref name="counts"/> instead of zero.</summary>
    public static string StartingAt(string rule, RuleCounter counts)
    {
        int at = StatementAt(rule);
        if (counts == default || at < 0) return rule;
        string start = string.Create(CultureInfo.InvariantCulture, $"{Statement} packets {counts.Packets} bytes {counts.Bytes}");
        return string.Concat(rule.AsSpan(0, at), start, rule.AsSpan(at + Statement.Length));
    }

    /// <summary>Where the counter statement starts: the first word <c>counter</c> outside quotes (an interface name, a log prefix).</summary>
    private static int StatementAt(string rule)
    {
        bool quoted = false;
        for (int i = 0; i < rule.Length; i++)
        {
            if (rule[i] == '"') quoted = !quoted;
            else if (!quoted && (i == 0 || rule[i - 1] == ' ')
                && string.CompareOrdinal(rule, i, Statement, 0, Statement.Length) == 0
                && (i + Statement.Length == rule.Length || rule[i + Statement.Length] == ' '))
                return i;
        }
        return -1;
    }
}
