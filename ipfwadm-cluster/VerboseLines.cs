using ClusterControl.Firewall;

namespace Ipfwadm;

/// <summary>What -v prints before each rule is sent or packet checked (docs/ipfwadm-spec.md §3.8): always numeric, single spaces.</summary>
public static class VerboseLines
{
    public static string Rule(FirewallRule rule) =>
        $"{RuleText.Kind(rule)} {Keywords.Name(rule.Protocol)} opt {RuleText.Options(rule)} tos 0x{rule.TosAnd:X2} 0x{rule.TosXor:X2} " +
        $"via {(rule.Interface.Length == 0 ? "*" : rule.Interface)} {rule.InterfaceAddress}   " +
        $"{RuleText.Address(rule.Source, numeric: true)} -> {RuleText.Address(rule.Destination, numeric: true)}   {RuleText.Ports(rule, numeric: true)}\n";

    public static string Packet(CheckedPacket packet) =>
        $"{Keywords.Name(packet.Protocol)} via {packet.Interface} {packet.InterfaceAddress}   {packet.Source} -> {packet.Destination}   " +
        (packet.Protocol == RuleProtocol.Icmp ? $"{packet.SourcePort}\n" : $"{packet.SourcePort} -> {packet.DestinationPort}\n");
}
