using System.Runtime.CompilerServices;
using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Core;
using Clusterd.Kernel;
using Clusterd.Kernel.Nftables;
using Clusterd.State;

namespace Clusterd.Firewall;

/// <summary>
/// The ipfwadm chains as nftables rules in clusterd's table, with the 2.0 kernel's semantics:
/// accounting counts incoming packets before everything and outgoing ones last; the input
/// chain sees every received packet before routing; forward and output see the outgoing
/// device, and output sees forwarded packets as well as local ones; first match wins; the
/// default policy is the chain's last rule. Every rule counts (<see cref="CountedRule"/>, named
/// <c>rID</c>), and its counts survive re-rendering. The chains of rules are held in blocks, so that a
/// rule added among thousands rewrites few, and each rule is rendered once and kept while it stands.
/// </summary>
/// <remarks>
/// A cluster rule tags a new, unscheduled connection with its rule mark and queues it to clusterd
/// (<see cref="ClusterTable.QueueChain"/>); every other packet it matches — the connection's later
/// packets, and replies with -b — is accepted. A redirect rule tags the packet and accepts it; the
/// <c>proxy</c> NAT chain sends tagged packets to the local port. A masquerading rule sets a
/// conntrack mark bit; the <c>masq</c> NAT chain masquerades connections carrying it.
/// A rule that rewrites TOS first jumps to the rewrite (<see cref="TosRewrite"/>), then meets its verdict.
/// An -V interface address is, as in 2.0, the interface holding it: the rule matches packets of the
/// interfaces that hold the address when the rules are rendered (clusterd renders again when that
/// changes), and no packet while none does.
/// </remarks>
public sealed class FirewallRendering : IFirewallRendering
{
    public static string CounterName(FirewallRule rule) => $"r{rule.Id}";

    /// <summary>One nft rule an ipfwadm rule renders into, and the chain it goes in.</summary>
    private readonly record struct RuleLine(string Chain, string Text);

    /// <summary>
    /// The rules rendered so far, each kept while the rule lives. Rules are immutable and a change
    /// keeps the ones it does not touch, so a rule added among 10,000 renders one rule, not 10,000;
    /// a weak table (keyed by identity) lets a deleted rule's lines go with it, where a dictionary
    /// of the last fill's rules would be built anew, 10,000 entries, on every change. Rules whose
    /// rendering depends on the interfaces (-V) are rendered every time.
    /// </summary>
    private readonly ConditionalWeakTable<FirewallRule, RuleLine[]> _rendered = [];

    /// <summary>How an ipfwadm chain becomes an nft chain.</summary>
    /// <param name="Accept">The verdict of an accepted packet: accept, or on to the output rules.</param>
    private sealed record ChainForm(string Name, Device Device, string RejectWith, string Accept);

    private static readonly ChainForm InputForm = new("input", Device.Incoming, "icmp type port-unreachable", "accept");
    private static readonly ChainForm ForwardForm = new("forward", Device.Outgoing, "icmp type host-unreachable", $"jump {OutputRules}");
    private static readonly ChainForm OutputForm = new(OutputRules, Device.Outgoing, "icmp type host-unreachable", "accept");

    public void Fill(TableContents table, ClusterConfig config, InterfaceAddresses interfaces)
    {
        string t = ClusterTable.Qualified;
        table.Declare($$"""
            table {{t}} {
            	chain acct_in { type filter hook prerouting priority -200; policy accept; }
            	chain acct_out { type filter hook postrouting priority 100; policy accept; }
            	chain input { type filter hook prerouting priority -150; policy accept; }
            	chain forward { type filter hook forward priority 0; policy accept; }
            	chain output { type filter hook output priority 0; policy accept; }
            	chain {{OutputRules}} { }
            	chain proxy { type nat hook prerouting priority -95; policy accept; }
            	chain masq { type nat hook postrouting priority 100; policy accept; }
            }

            """);
        foreach (string chain in new[] { "acct_in", "acct_out", "input", "forward", OutputRules })
            table.Fill(chain, inBlocks: true);
        foreach (string chain in new[] { "output", "proxy", "masq" })
            table.Fill(chain);
        TosRewrite.AddChains(table, config.FirewallRules);

        // The 2.0 kernel de-masqueraded replies on input and handed them on without the forward
        // firewall (but through the output one); here they pass the forward chain first, or a
        // default deny would cut every masqueraded connection.
        table.Rule("forward", $"ct mark & {Marks.Hex(Marks.MasqueradeBit)} == {Marks.Hex(Marks.MasqueradeBit)} ct direction reply {ForwardForm.Accept}");
        table.Rule("output", $"jump {OutputRules}");
        foreach (var rule in config.FirewallRules)
        {
            if (!_rendered.TryGetValue(rule, out var lines))
            {
                lines = Render(rule, interfaces);
                if (!DependsOnInterfaces(rule)) _rendered.AddOrUpdate(rule, lines);
            }
            foreach (var line in lines) table.Rule(line.Chain, line.Text);
        }
        foreach (var (chain, form) in new[] { (FirewallChain.Input, InputForm), (FirewallChain.Forward, ForwardForm), (FirewallChain.Output, OutputForm) })
        {
            var policy = config.PolicyOf(chain);
            table.Rule(form.Name, Verdict(policy.Policy, policy.Masquerade, form));
        }
        table.Rule("masq", $"ct mark & {Marks.Hex(Marks.MasqueradeBit)} == {Marks.Hex(Marks.MasqueradeBit)} masquerade");
    }

    /// <summary>
    /// The output firewall's rules, in a regular chain: the output hook runs it for packets this
    /// host sends, and the forward chain for the packets it accepts. The 2.0 output firewall saw
    /// forwarded packets too; a modern kernel's output hook sees only local ones.
    /// </summary>
    private const string OutputRules = "output_rules";

    private enum Device { Incoming, Outgoing }

    /// <summary>An -V address other than a cluster rule's node matches the interfaces holding it now.</summary>
    private static bool DependsOnInterfaces(FirewallRule rule) => rule.Policy != RulePolicy.Cluster && rule.InterfaceAddress.Value != 0;

    private static RuleLine[] Render(FirewallRule rule, InterfaceAddresses interfaces)
    {
        var lines = new List<RuleLine>();
        if (rule.Chain == FirewallChain.Accounting)
        {
            if (rule.Direction != AccountingDirection.Out)
                Count(lines, "acct_in", Matches(rule, Device.Incoming, Directions.BothCountedOnce, interfaces), rule, "", Log(rule, "acct_in"));
            if (rule.Direction != AccountingDirection.In)
                Count(lines, "acct_out", Matches(rule, Device.Outgoing, Directions.BothCountedOnce, interfaces), rule, "", Log(rule, "acct_out"));
            return [.. lines];
        }
        var form = rule.Chain switch
        {
            FirewallChain.Input => InputForm,
            FirewallChain.Forward => ForwardForm,
            _ => OutputForm,
        };
        string name = form.Name, log = Log(rule, name);
        var matches = Matches(rule, form.Device, Directions.Both, interfaces);
        // Ahead of the verdict rules, on disjoint matches so that no packet is rewritten twice:
        // after the jump the packet meets the next rule, and its verdict rule still matches it.
        if (TosRewrite.Dispatch(rule) is { } rewrite)
            foreach (string match in Matches(rule, form.Device, Directions.BothCountedOnce, interfaces))
                lines.Add(new RuleLine(name, Joined(match, rewrite)));
        switch (rule.Policy)
        {
            case RulePolicy.Cluster:
                uint tag = Marks.RuleTag | (uint)rule.Id;
                Count(lines, name, Matches(rule, form.Device, Directions.Normal, interfaces), rule,
                    $"ct state new meta mark & {Marks.Hex(Marks.TagMask)} != {Marks.Hex(Marks.NodeTag)} meta mark set {Marks.Hex(tag)}", $"{log} jump {ClusterTable.QueueChain}");
                Count(lines, name, matches, rule, "", $"{log} accept");
                break;
            case RulePolicy.Accept when rule.Redirect:
                uint redirectTag = Marks.RuleTag | (uint)rule.Id;
                Count(lines, name, matches, rule, $"meta mark set {Marks.Hex(redirectTag)}", $"{log} accept");
                string toPort = rule.RedirectPort != 0 && rule.Protocol is RuleProtocol.Tcp or RuleProtocol.Udp
                    ? $"meta l4proto {Keywords(rule.Protocol)} redirect to :{rule.RedirectPort}"
                    : "redirect";
                lines.Add(new RuleLine("proxy", $"meta mark {Marks.Hex(redirectTag)} {toPort}"));
                break;
            default:
                Count(lines, name, matches, rule, "", $"{log} {Verdict(rule.Policy, rule.Masquerade, form)}");
                break;
        }
        return [.. lines];
    }

    private static string Verdict(RulePolicy policy, bool masquerade, ChainForm form) => policy switch
    {
        RulePolicy.Deny => "drop",
        RulePolicy.Reject => $"reject with {form.RejectWith}",
        _ when masquerade => $"ct mark set ct mark | {Marks.Hex(Marks.MasqueradeBit)} {form.Accept}",
        _ => form.Accept,
    };

    /// <summary>-o: the kernel log line the 2.0 kernel printed for a matching packet, named for the chain.</summary>
    private static string Log(FirewallRule rule, string chain) => rule.Log ? $" log prefix \"ipfwadm {chain}: \"" : "";

    private static string Keywords(RuleProtocol protocol) => protocol == RuleProtocol.Tcp ? "tcp" : "udp";

    /// <summary>
    /// Adds a rule counting for <paramref name="rule"/> per match: its <paramref name="statements"/>,
    /// the counter, then <paramref name="action"/> (which begins with a space).
    /// </summary>
    private static void Count(List<RuleLine> lines, string chain, IEnumerable<string> matches, FirewallRule rule, string statements, string action)
    {
        foreach (string match in matches)
            lines.Add(new RuleLine(chain, CountedRule.Text(Joined(match, statements), action, CounterName(rule))));
    }

    private static string Joined(string first, string second) =>
        first.Length == 0 ? second : second.Length == 0 ? first : $"{first} {second}";

    /// <summary>Which directions of a -b rule become nft rules.</summary>
    private enum Directions
    {
        /// <summary>The normal direction only: a cluster rule schedules the connections opened that way.</summary>
        Normal,
        /// <summary>Both; a packet that matches both ways meets two nft rules, harmless before a verdict.</summary>
        Both,
        /// <summary>
        /// Both, the reverse narrowed to packets the normal direction misses: accounting rules only
        /// count, and a TOS rewrite only changes, so a packet matching both ways would otherwise count
        /// twice or be rewritten twice; the kernel did either once.
        /// </summary>
        BothCountedOnce,
    }

    /// <summary>
    /// The rule's match alternatives, one nft rule each. None when the rule names an interface
    /// nftables cannot compare against (<see cref="DeviceName"/>), or an interface address no
    /// interface holds now.
    /// </summary>
    private static List<string> Matches(FirewallRule rule, Device device, Directions directions, InterfaceAddresses interfaces)
    {
        var matches = new List<string>();
        if (rule.Policy != RulePolicy.Cluster && rule.Interface.Length > 0 && DeviceName(rule.Interface) is null) return matches;
        string? via = null;
        if (rule.Policy != RulePolicy.Cluster && rule.InterfaceAddress.Value != 0)
        {
            var names = interfaces.Holding(rule.InterfaceAddress).Select(DeviceName).OfType<string>().ToList();
            if (names.Count == 0) return matches;
            via = names.Count == 1 ? $"\"{names[0]}\"" : $"{{ {string.Join(", ", names.Select(n => $"\"{n}\""))} }}";
        }
        var normal = Match(rule, rule.Source, rule.Destination, device, via);
        var alternatives = new List<IEnumerable<string>> { normal.Select(c => c.Text) };
        if (rule.Bidirectional && directions != Directions.Normal)
        {
            var reverse = Match(rule, rule.Destination, rule.Source, device, via);
            var reverseTexts = reverse.Select(c => c.Text).ToList();
            if (directions == Directions.Both) alternatives.Add(reverseTexts);
            else
            {
                // reverse and not normal, as disjoint rules: the i-th one negates the i-th condition
                // that tells the directions apart and keeps the ones before it.
                var distinguishing = normal.Where(c => !reverse.Contains(c)).ToList();
                for (int i = 0; i < distinguishing.Count; i++)
                    alternatives.Add([.. reverseTexts, .. distinguishing.Take(i).Select(c => c.Text), distinguishing[i].Negated]);
            }
        }
        foreach (string flags in TcpFlagAlternatives(rule))
            foreach (var conditions in alternatives)
                AddMatch(matches, conditions, flags);
        return matches;
    }

    private static void AddMatch(List<string> matches, IEnumerable<string> conditions, string flags)
    {
        string match = string.Join(' ', conditions.Append(flags).Where(part => part.Length > 0));
        if (!matches.Contains(match)) matches.Add(match);
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

    /// <summary>One nft match expression, and its negation.</summary>
    private sealed record Condition(string Text, string Negated)
    {
        /// <summary><c>field value</c>, or <c>field == value</c> where nft needs the operator (after a mask).</summary>
        public static Condition Is(string field, string value, bool explicitEquals = false) =>
            new(explicitEquals ? $"{field} == {value}" : $"{field} {value}", $"{field} != {value}");
    }

    /// <summary>One direction's conditions: interface, interface address, addresses, protocol, ports.</summary>
    /// <param name="via">The interfaces holding the rule's -V address, as an nft name or set; null for any.</param>
    private static List<Condition> Match(FirewallRule rule, AddressMatch source, AddressMatch destination, Device device, string? via)
    {
        var conditions = new List<Condition>();
        string deviceField = device == Device.Incoming ? "iifname" : "oifname";
        if (rule.Interface.Length > 0 && rule.Policy != RulePolicy.Cluster)
            conditions.Add(Condition.Is(deviceField, $"\"{DeviceName(rule.Interface)}\""));
        if (via is not null) conditions.Add(Condition.Is(deviceField, via));
        Address(conditions, "saddr", source);
        Address(conditions, "daddr", destination);
        switch (rule.Protocol)
        {
            case RuleProtocol.Tcp or RuleProtocol.Udp:
                string protocol = Keywords(rule.Protocol);
                conditions.Add(Condition.Is("meta l4proto", protocol));
                if (Ports(source) is { } sourcePorts) conditions.Add(Condition.Is($"{protocol} sport", sourcePorts));
                if (Ports(destination) is { } destinationPorts) conditions.Add(Condition.Is($"{protocol} dport", destinationPorts));
                break;
            case RuleProtocol.Icmp:
                conditions.Add(Condition.Is("meta l4proto", "icmp"));
                // ICMP types sit in the source port list; the reverse of a -b rule keeps testing them.
                if (Ports(rule.Source) is { } types) conditions.Add(Condition.Is("icmp type", types));
                break;
        }
        return conditions;
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

    private static void Address(List<Condition> conditions, string field, AddressMatch side)
    {
        if (side.Mask.Value == 0) return;
        int prefix = PrefixLength(side.Mask.Value);
        conditions.Add(prefix >= 0
            ? Condition.Is($"ip {field}", $"{side.Address}{(prefix == 32 ? "" : $"/{prefix}")}")
            : Condition.Is($"ip {field} & {side.Mask}", side.Address.ToString(), explicitEquals: true));
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
