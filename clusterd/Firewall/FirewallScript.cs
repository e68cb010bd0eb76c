using System.Text;
using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.State;

namespace Clusterd.Firewall;

/// <summary>
/// The firewall part of <c>clconfig -save</c>: default policies, masquerading timeouts and every
/// rule as the ipfwadm line that appends it, chain by chain in rule order.
/// </summary>
public static class FirewallScript
{
    private static readonly ClusterConfig Fresh = new();

    public static IEnumerable<string> Lines(ClusterConfig config)
    {
        foreach (var chain in new[] { FirewallChain.Input, FirewallChain.Output, FirewallChain.Forward })
        {
            var policy = config.PolicyOf(chain);
            if (policy != DefaultPolicy.Accept) yield return $"ipfwadm {Category(chain)} -p {PolicyWord(policy.Policy, policy.Masquerade)}";
        }
        var timeouts = config.MasqueradeTimeouts;
        if (timeouts != Fresh.MasqueradeTimeouts) yield return $"ipfwadm -M -s {timeouts.Tcp} {timeouts.TcpFin} {timeouts.Udp}";
        foreach (var chain in new[] { FirewallChain.Accounting, FirewallChain.Input, FirewallChain.Output, FirewallChain.Forward })
            foreach (var rule in config.RulesOf(chain))
                yield return Append(rule);
    }

    private static string Category(FirewallChain chain) => chain switch
    {
        FirewallChain.Accounting => "-A",
        FirewallChain.Output => "-O",
        FirewallChain.Forward => "-F",
        _ => "-I",
    };

    private static string PolicyWord(RulePolicy policy, bool masquerade) => policy switch
    {
        RulePolicy.Deny => "deny",
        RulePolicy.Reject => "reject",
        RulePolicy.Cluster => "cluster",
        _ => masquerade ? "masquerade" : "accept",
    };

    private static string Append(FirewallRule rule)
    {
        var line = new StringBuilder("ipfwadm ").Append(Category(rule.Chain));
        if (rule.Chain == FirewallChain.Accounting)
        {
            if (rule.Direction != AccountingDirection.Both) line.Append(rule.Direction == AccountingDirection.In ? " in" : " out");
            line.Append(" -a");
        }
        else line.Append(" -a ").Append(PolicyWord(rule.Policy, rule.Masquerade));
        if (rule.Protocol != RuleProtocol.All) line.Append(" -P ").Append(rule.Protocol.ToString().ToLowerInvariant());
        line.Append(" -S ").Append(Side(rule.Source)).Append(" -D ").Append(Side(rule.Destination));
        if (rule.Interface.Length > 0) line.Append(" -W ").Append(ShellWord.Quote(rule.Interface));
        if (rule.InterfaceAddress.Value != 0) line.Append(" -V ").Append(rule.InterfaceAddress);
        if (rule.Bidirectional) line.Append(" -b");
        if (rule.AckSet) line.Append(" -k");
        if (rule.SynOnly) line.Append(" -y");
        if (rule.Log) line.Append(" -o");
        if (rule.Redirect) line.Append(" -r ").Append(rule.RedirectPort);
        if (rule.TosAnd != 0xff || rule.TosXor != 0) line.Append($" -t 0x{rule.TosAnd:X2} 0x{rule.TosXor:X2}");
        return line.ToString();
    }

    /// <summary>address/mask then the ports, the range first written as LOW:HIGH.</summary>
    private static string Side(AddressMatch side)
    {
        var text = new StringBuilder($"{side.Address}/{side.Mask}");
        for (int i = 0; i < side.Ports.Length; i++)
        {
            if (side.HasRange && i == 0) text.Append($" {side.Ports[0]}:{side.Ports[1]}");
            else if (!side.HasRange || i >= 2) text.Append(' ').Append(side.Ports[i]);
        }
        return text.ToString();
    }
}
