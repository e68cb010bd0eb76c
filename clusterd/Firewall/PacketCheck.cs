using ClusterControl.Firewall;
using Clusterd.State;

namespace Clusterd.Firewall;

/// <summary>
/// ipfwadm -c: walks a chain for one packet exactly as the rules rendered into nftables match it
/// (first match wins, else the default policy), so the answer agrees with what the kernel does.
/// </summary>
public static class PacketCheck
{
    public static CheckVerdict Verdict(ClusterConfig config, FirewallChain chain, CheckedPacket packet)
    {
        foreach (var rule in config.RulesOf(chain))
            if (Matches(rule, packet)) return VerdictOf(rule.Policy, rule.Masquerade, rule.Redirect);
        var policy = config.PolicyOf(chain);
        return VerdictOf(policy.Policy, policy.Masquerade, redirect: false);
    }

    private static CheckVerdict VerdictOf(RulePolicy policy, bool masquerade, bool redirect) => policy switch
    {
        RulePolicy.Cluster => CheckVerdict.Clustered,
        RulePolicy.Deny => CheckVerdict.Denied,
        RulePolicy.Reject => CheckVerdict.Rejected,
        _ when redirect => CheckVerdict.Redirected,
        _ when masquerade => CheckVerdict.Masqueraded,
        _ => CheckVerdict.Accepted,
    };

    /// <summary>Whether <paramref name="rule"/> matches the packet, either way round for a -b rule.</summary>
    public static bool Matches(FirewallRule rule, CheckedPacket packet)
    {
        if (rule.Protocol != RuleProtocol.All && rule.Protocol != packet.Protocol) return false;
        if (rule.Interface.Length > 0 && rule.Policy != RulePolicy.Cluster && rule.Interface != packet.Interface) return false;
        if (rule.InterfaceAddress.Value != 0 && rule.Policy != RulePolicy.Cluster && rule.InterfaceAddress != packet.InterfaceAddress) return false;
        // -y and -k test TCP packets only (the 2.0 kernel ignored them for every other protocol);
        // a checked TCP packet never has ACK set, and has SYN only when -c was given -y.
        if (packet.Protocol == RuleProtocol.Tcp && (rule.AckSet || (rule.SynOnly && !packet.Syn))) return false;
        return Sides(rule, packet.Source, packet.SourcePort, packet.Destination, packet.DestinationPort, packet.Protocol)
               || (rule.Bidirectional && Sides(rule, packet.Destination, packet.DestinationPort, packet.Source, packet.SourcePort, packet.Protocol));
    }

    private static bool Sides(FirewallRule rule, ClusterControl.Ipv4Address source, ushort sourcePort,
        ClusterControl.Ipv4Address destination, ushort destinationPort, RuleProtocol protocol) =>
        rule.Source.Matches(source) && rule.Destination.Matches(destination)
        && rule.Source.MatchesPort(sourcePort)
        && (protocol == RuleProtocol.Icmp || rule.Destination.MatchesPort(destinationPort));
}
