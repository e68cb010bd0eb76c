using ClusterControl.Firewall;
using Clusterd.Kernel.Nftables;

namespace Clusterd.Firewall;

/// <summary>
/// -t: the 2.0 kernel rewrote the TOS byte of every packet a rule accepted (accept, masquerade,
/// redirect — the rules with its ACCEPT bit; here cluster rules too, which accept what they do not
/// queue) as <c>tos = (tos &amp; and) ^ xor</c>, and recomputed the header checksum.
/// </summary>
/// <remarks>
/// nft 1.0.6 can set <c>ip dscp</c> and <c>ip ecn</c> (checksum included) only to constants, and a
/// raw write of the byte leaves the checksum wrong. So the rewrite is a verdict map from the old byte
/// to a jump into the chain of the new byte, which sets both fields to it. Bytes the masks leave as
/// they are have no entry, so the map misses and nothing is written. A new-byte chain holds only its
/// constant statements; one no rule needs any more stays, unused, until the table goes.
/// </remarks>
public static class TosRewrite
{
    /// <summary>The byte each old TOS byte becomes, for the bytes the rule changes; none for rules that do not accept.</summary>
    private static IEnumerable<(int Old, int New)> Changes(FirewallRule rule) =>
        rule.Chain == FirewallChain.Accounting || rule.Policy is RulePolicy.Deny or RulePolicy.Reject || !Rewrites(rule)
            ? []
            : Enumerable.Range(0, 256).Select(old => (Old: old, New: (old & rule.TosAnd) ^ rule.TosXor)).Where(c => c.Old != c.New);

    /// <summary>Whether the rule's masks change any byte: most rules keep every one (and 0xff, xor 0x00).</summary>
    private static bool Rewrites(FirewallRule rule) => rule.TosAnd != 0xff || rule.TosXor != 0;

    /// <summary>The verdict map a rule's rewrite rules end in, or null when the rule changes no byte.</summary>
    public static string? Dispatch(FirewallRule rule)
    {
        var entries = Changes(rule).Select(c => $"0x{c.Old:x2} : jump {Chain(c.New)}").ToList();
        return entries.Count == 0 ? null : $"@nh,8,8 vmap {{ {string.Join(", ", entries)} }}";
    }

    /// <summary>Declares and fills the chain of every new byte the rules need.</summary>
    public static void AddChains(TableContents table, IEnumerable<FirewallRule> rules)
    {
        foreach (int value in rules.Where(Rewrites).SelectMany(Changes).Select(c => c.New).Distinct().Order())
        {
            string chain = Chain(value);
            table.Declare($"add chain {ClusterTable.Qualified} {chain}\n");
            table.Rule(chain, $"ip dscp set {value >> 2} ip ecn set {value & 3}");
        }
    }

    private static string Chain(int value) => $"tos_{value:x2}";
}
