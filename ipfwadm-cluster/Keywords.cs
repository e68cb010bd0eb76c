using ClusterControl.Firewall;

namespace Ipfwadm;

/// <summary>
/// ipfwadm's keyword words: any prefix of a keyword (even the empty word) selects the first
/// keyword, in a fixed order, that starts with it; case matters; a longer word fails.
/// </summary>
public static class Keywords
{
    /// <summary>The four stock policies, then the 1997 cluster extension (no stock policy starts with 'c').</summary>
    private static readonly string[] PolicyWords = ["accept", "deny", "reject", "masquerade", "cluster"];
    private static readonly string[] ProtocolWords = ["all", "tcp", "udp", "icmp"];
    private static readonly string[] DirectionWords = ["in", "out", "both"];

    public static int Match(string[] keywords, string word) => Array.FindIndex(keywords, k => k.StartsWith(word, StringComparison.Ordinal));

    /// <summary>A policy word: the policy, and whether it was "masquerade" (accept + masquerading).</summary>
    public static bool TryPolicy(string word, bool allowCluster, out RulePolicy policy, out bool masquerade)
    {
        int index = Match(PolicyWords, word);
        masquerade = index == 3;
        policy = index switch { 1 => RulePolicy.Deny, 2 => RulePolicy.Reject, 4 => RulePolicy.Cluster, _ => RulePolicy.Accept };
        return index >= 0 && (index != 4 || allowCluster);
    }

    public static bool TryProtocol(string word, out RuleProtocol protocol)
    {
        int index = Match(ProtocolWords, word);
        protocol = index < 0 ? RuleProtocol.All : (RuleProtocol)index;
        return index >= 0;
    }

    public static bool TryDirection(string word, out AccountingDirection direction)
    {
        int index = Match(DirectionWords, word);
        direction = index switch { 0 => AccountingDirection.In, 1 => AccountingDirection.Out, _ => AccountingDirection.Both };
        return index >= 0;
    }

    public static string Name(RuleProtocol protocol) => ProtocolWords[(int)protocol];
}
