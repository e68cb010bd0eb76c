using System.Text;
using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Kernel;
using Clusterd.Kernel.Nftables;
using Clusterd.State;

namespace Clusterd.Firewall;

/// <summary>
/// The ipfwadm chains as nftables rules in clusterd's table, with the 2.0 kernel's semantics:
/// accounting counts incoming packets before everything and outgoing ones last; the input
/// chain sees every received packet before routing; forward and output see the outgoing
/// device; first match wins; the default policy is the chain's last rule. Every rule counts
/// in a named counter (<c>rID</c>), so counters survive re-rendering and can be read and zeroed.
/// </summary>
/// <remarks>
/// A cluster rule tags a new, unscheduled connection with its rule mark and queues it to clusterd
/// (<see cref="ClusterTable.QueueChain"/>); every other packet it matches — the connection's later
/// packets, and replies with -b — is accepted. A redirect rule tags the packet and accepts it; the
/// <c>proxy</c> NAT chain sends tagged packets to the local port. A masquerading rule sets a
/// conntrack mark bit; the <c>masq</c> NAT chain masquerades connections carrying it.
/// Not rendered (no nftables counterpart): the TOS and/xor rewrite and the -V interface address.
/// </remarks>
public sealed class FirewallRendering : IFirewallRendering
{
    public static string CounterName(FirewallRule rule) => $"r{rule.Id}";

    public ClusterTarget? ClusterRule(ClusterConfig config, int ruleId) =>
        config.FirewallRules.Find(r => r.Id == ruleId && r.Policy == RulePolicy.Cluster) is { } rule
            ? new ClusterTarget(rule.Interface, rule.StaticNode)
            : null;

    public string Chains(ClusterConfig config)
    {
        var script = new StringBuilder();
        string t = ClusterTable.Qualified;
        script.Append($$"""
            table {{t}} {
            	chain acct_in { type filter hook prerouting priority -200; policy accept; }
            	chain acct_out { type filter hook postrouting priority 100; policy accept; }
            	chain input { type filter hook prerouting priority -150; policy accept; }
            	chain forward { type filter hook forward priority 0; policy accept; }
            	chain output { type filter hook output priority 0; policy accept; }
            	chain proxy { type nat hook prerouting priority -95; policy accept; }
            	chain masq { type nat hook postrouting priority 100; policy accept; }
            }

            """);
        foreach (string chain in new[] { "acct_in", "acct_out", "input", "forward", "output", "proxy", "masq" })
            script.Append($"flush chain {t} {chain}\n");
        foreach (var rule in config.FirewallRules)
            script.Append($"add counter {t} {CounterName(rule)}\n");

        foreach (var rule in config.RulesOf(FirewallChain.Accounting))
        {
            if (rule.Direction != AccountingDirection.Out) Add(script, "acct_in", Matches(rule, Device.Incoming, reverseToo: true), $"counter name {CounterName(rule)}");
            if (rule.Direction != AccountingDirection.In) Add(script, "acct_out", Matches(rule, Device.Outgoing, reverseToo: true), $"counter name {CounterName(rule)}");
        }
        Chain(script, config, FirewallChain.Input, "input", Device.Incoming, "icmp type port-unreachable");
        Chain(script, config, FirewallChain.Forward, "forward", Device.Outgoing, "icmp type host-unreachable");
        Chain(script, config, FirewallChain.Output, "output", Device.Outgoing, "icmp type host-unreachable");
        script.Append($"add rule {t} masq ct mark & {Marks.Hex(Marks.MasqueradeBit)} == {Marks.Hex(Marks.MasqueradeBit)} masquerade\n");
        return script.ToString();
    }

    private enum Device { Incoming, Outgoing }

    private static void Chain(StringBuilder script, ClusterConfig config, FirewallChain chain, string name, Device device, string rejectWith)
    {
        foreach (var rule in config.RulesOf(chain))
        {
            string counter = $"counter name {CounterName(rule)}";
            string log = rule.Log ? $" log prefix \"ipfwadm {name}: \"" : "";
            var matches = Matches(rule, device, reverseToo: true);
            switch (rule.Policy)
            {
                case RulePolicy.Cluster:
                    uint tag = Marks.RuleTag | (uint)rule.Id;
                    Add(script, name, Matches(rule, device, reverseToo: false),
                        $"ct state new meta mark & {Marks.Hex(Marks.TagMask)} != {Marks.Hex(Marks.NodeTag)} meta mark set {Marks.Hex(tag)} {counter}{log} jump {ClusterTable.QueueChain}");
                    Add(script, name, matches, $"{counter}{log} accept");
                    break;
                case RulePolicy.Accept when rule.Redirect:
                    uint redirectTag = Marks.RuleTag | (uint)rule.Id;
                    Add(script, name, matches, $"meta mark set {Marks.Hex(redirectTag)} {counter}{log} accept");
                    string toPort = rule.RedirectPort != 0 && rule.Protocol is RuleProtocol.Tcp or RuleProtocol.Udp
                        ? $"meta l4proto {Keywords(rule.Protocol)} redirect to :{rule.RedirectPort}"
                        : "redirect";
                    script.Append($"add rule {ClusterTable.Qualified} proxy meta mark {Marks.Hex(redirectTag)} {toPort}\n");
                    break;
                default:
                    Add(script, name, matches, $"{counter}{log} {Verdict(rule.Policy, rule.Masquerade, rejectWith)}");
                    break;
            }
        }
        var policy = config.PolicyOf(chain);
        script.Append($"add rule {ClusterTable.Qualified} {name} {Verdict(policy.Policy, policy.Masquerade, rejectWith)}\n");
    }

    private static string Verdict(RulePolicy policy, bool masquerade, string rejectWith) => policy switch
    {
        RulePolicy.Deny => "drop",
        RulePolicy.Reject => $"reject with {rejectWith}",
        _ when masquerade => $"ct mark set ct mark | {Marks.Hex(Marks.MasqueradeBit)} accept",
        _ => "accept",
    };

    private static string Keywords(RuleProtocol protocol) => protocol == RuleProtocol.Tcp ? "tcp" : "udp";

    private static void Add(StringBuilder script, string chain, IEnumerable<string> matches, string action)
    {
        foreach (string match in matches)
            script.Append($"add rule {ClusterTable.Qualified} {chain} {match}{(match.Length > 0 ? " " : "")}{action}\n");
    }

    /// <summary>
    /// The rule's match alternatives, one nft rule each: the normal direction, then (with -b and
    /// <paramref name="reverseToo"/>) the reverse one with the sides swapped. None when the rule
    /// names an interface nftables cannot compare against (<see cref="DeviceName"/>).
    /// </summary>
    private static List<string> Matches(FirewallRule rule, Device device, bool reverseToo)
    {
        var matches = new List<string>();
        if (rule.Policy != RulePolicy.Cluster && rule.Interface.Length > 0 && DeviceName(rule.Interface) is null) return matches;
        var directions = new List<(AddressMatch From, AddressMatch To)> { (rule.Source, rule.Destination) };
        if (rule.Bidirectional && reverseToo) directions.Add((rule.Destination, rule.Source));
        foreach (var (from, to) in directions)
            foreach (string flags in TcpFlagAlternatives(rule))
            {
                string match = string.Join(' ', Match(rule, from, to, device).Append(flags).Where(part => part.Length > 0));
                if (!matches.Contains(match)) matches.Add(match);
            }
        return matches;
    }

    /// <summary>
    /// How -y and -k restrict a rule. The 2.0 kernel tested those flags on TCP packets only and
    /// let every other protocol pass them ("actually ignored for these packets", ip_fw.c), so on a
    /// UDP or ICMP rule they change nothing, and a rule for all protocols needs two nft rules: one
    /// for packets that are not TCP, one for TCP packets with the flags.
    /// </summary>
    private static IEnumerable<string> TcpFlagAlternatives(FirewallRule rule)
    {
        if (!rule.SynOnly && !rule.AckSet || rule.Protocol is RuleProtocol.Udp or RuleProtocol.Icmp) return [""];
        var flags = new List<string>();
        if (rule.SynOnly) flags.Add("tcp flags & (syn | ack) == syn");
        if (rule.AckSet) flags.Add("tcp flags & ack == ack");
        string tcp = string.Join(' ', flags);
        return rule.Protocol == RuleProtocol.All ? ["meta l4proto != tcp", tcp] : [tcp];
    }

    /// <summary>The parts of one direction's match (interface, addresses, protocol, ports), each an nft expression.</summary>
    private static IEnumerable<string> Match(FirewallRule rule, AddressMatch source, AddressMatch destination, Device device)
    {
        var parts = new List<string>();
        if (rule.Interface.Length > 0 && rule.Policy != RulePolicy.Cluster)
            parts.Add($"{(device == Device.Incoming ? "iifname" : "oifname")} \"{DeviceName(rule.Interface)}\"");
        Address(parts, "saddr", source);
        Address(parts, "daddr", destination);
        switch (rule.Protocol)
        {
            case RuleProtocol.Tcp or RuleProtocol.Udp:
                string protocol = Keywords(rule.Protocol);
                parts.Add($"meta l4proto {protocol}");
                if (Ports(source) is { } sourcePorts) parts.Add($"{protocol} sport {sourcePorts}");
                if (Ports(destination) is { } destinationPorts) parts.Add($"{protocol} dport {destinationPorts}");
                break;
            case RuleProtocol.Icmp:
                parts.Add("meta l4proto icmp");
                // ICMP types sit in the source port list; the reverse of a -b rule keeps testing them.
                if (Ports(rule.Source) is { } types) parts.Add($"icmp type {types}");
                break;
        }
        return parts;
    }

    /// <summary>
    /// An -W name as an nft string that compares equal to exactly that device name, or null when
    /// nft cannot say it: 16 bytes or more (ipfwadm keeps 16 characters, a Linux name has at most
    /// 15, so such a rule never matched a device) or a double quote (nft strings have no escape
    /// for it). A trailing '*' is escaped: unescaped, nft reads it as a prefix wildcard.
    /// </summary>
    private static string? DeviceName(string name)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(name) >= 16 || name.Contains('"')) return null;
        return name.EndsWith('*') ? name[..^1] + "\\*" : name;
    }

    private static void Address(List<string> parts, string field, AddressMatch side)
    {
        if (side.Mask.Value == 0) return;
        int prefix = PrefixLength(side.Mask.Value);
        parts.Add(prefix >= 0
            ? $"ip {field} {side.Address}{(prefix == 32 ? "" : $"/{prefix}")}"
            : $"ip {field} & {side.Mask} == {side.Address}");
    }

    /// <summary>The prefix length of a contiguous mask, or -1 for a mask like 255.0.255.0.</summary>
    private static int PrefixLength(uint mask)
    {
        int ones = System.Numerics.BitOperations.PopCount(mask);
        return mask == (ones == 0 ? 0u : uint.MaxValue << (32 - ones)) ? ones : -1;
    }

    private static string? Ports(AddressMatch side)
    {
        if (side.Ports.IsDefaultOrEmpty) return null;
        var items = new List<string>();
        int singles = 0;
        if (side.HasRange)
        {
            items.Add($"{side.Ports[0]}-{side.Ports[1]}");
            singles = 2;
        }
        for (int i = singles; i < side.Ports.Length; i++) items.Add(side.Ports[i].ToString());
        return items.Count == 1 ? items[0] : $"{{ {string.Join(", ", items)} }}";
    }
}
