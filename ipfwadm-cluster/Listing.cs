using System.Text;
using ClusterControl.Firewall;

namespace Ipfwadm;

/// <summary>The listings of -l (docs/ipfwadm-spec.md §3): header, column titles, one row per rule.</summary>
public sealed class Listing(bool extended, bool numeric, bool exact)
{
    public string Chain(FirewallChain chain, FirewallAnswer answer)
    {
        var text = new StringBuilder(Header(chain, answer.Policy));
        text.Append('\n');
        if (answer.Rules.IsDefaultOrEmpty) return text.ToString();
        bool accounting = chain == FirewallChain.Accounting;
        bool counters = extended || accounting;
        if (counters) text.Append(exact ? $"{"pkts",8} {"bytes",10} " : $"{"pkts",5} {"bytes",5} ");
        text.Append(accounting ? $"{"dir",-3} " : $"{"type",-5} ");
        text.Append("prot ");
        if (extended) text.Append(accounting ? "opt  " : "opt  tosa tosx ").Append($"{"ifname",-7} {"ifaddress",-15} ");
        text.Append($"{"source",-20} {"destination",-20} ports\n");
        foreach (var listed in answer.Rules) Row(text, listed, accounting, counters);
        return text.ToString();
    }

    private void Row(StringBuilder text, ListedRule listed, bool accounting, bool counters)
    {
        var rule = listed.Rule;
        if (counters) text.Append(exact ? $"{listed.Packets,8} {listed.Bytes,10} " : $"{Abbreviated(listed.Packets)} {Abbreviated(listed.Bytes)} ");
        text.Append(accounting ? $"{RuleText.Kind(rule),-3} " : $"{RuleText.Kind(rule),-5} ");
        text.Append($"{Keywords.Name(rule.Protocol),-5}");
        if (extended)
        {
            text.Append(RuleText.Options(rule)).Append(' ');
            if (!accounting) text.Append($"0x{rule.TosAnd:X2} 0x{rule.TosXor:X2} ");
            string name = rule.Interface.Length == 0 ? (numeric ? "*" : "any") : rule.Interface;
            string address = rule.InterfaceAddress.Value == 0 && !numeric ? "any" : rule.InterfaceAddress.ToString();
            text.Append($"{name,-7} {address,-15} ");
        }
        text.Append($"{RuleText.Address(rule.Source, numeric),-20} {RuleText.Address(rule.Destination, numeric),-20}");
        text.Append(' ').Append(RuleText.Ports(rule, numeric)).Append('\n');
    }

    /// <summary>Counters in five columns: exact up to 99999, then K, then M (rounded), as ipfwadm did.</summary>
    public static string Abbreviated(ulong value)
    {
        if (value <= 99999) return $"{value,5}";
        ulong thousands = (value + 500) / 1000;
        if (thousands <= 9999) return $"{thousands,4}K";
        return $"{(value + 500000) / 1000000,4}M";
    }

    private static string Header(FirewallChain chain, DefaultPolicy? policy) => chain switch
    {
        FirewallChain.Accounting => "IP accounting rules",
        _ => $"IP firewall {chain.ToString().ToLowerInvariant()} rules, default policy: {PolicyName(policy ?? DefaultPolicy.Accept)}",
    };

    private static string PolicyName(DefaultPolicy policy) => policy.Policy switch
    {
        RulePolicy.Accept when policy.Masquerade => "accept/masquerade",
        RulePolicy.Accept => "accept",
        RulePolicy.Reject => "reject",
        _ => "deny",
    };

    /// <summary>-M -l (docs/ipfwadm-spec.md §3.7).</summary>
    public string Masquerading(IReadOnlyList<MasqueradeEntry> entries)
    {
        var text = new StringBuilder("IP masquerading entries\n");
        if (entries.Count == 0) return text.ToString();
        text.Append($"prot {"expire",-8} ");
        if (extended) text.Append($"{"initseq",10} delta prevd ");
        text.Append($"{"source",-20} {"destination",-20} ports\n");
        foreach (var entry in entries)
        {
            var protocol = entry.Protocol;
            uint j = entry.ExpiresHundredths;
            text.Append($"{Keywords.Name(protocol),-5}{j / 6000:00}:{j / 100 % 60:00}.{j % 100:00} ");
            // %10lu %5hd %5hd: 2.0 kept the deltas in shorts.
            if (extended) text.Append($"{entry.InitialSequence,10} {(short)entry.Delta,5} {(short)entry.PreviousDelta,5} ");
            string source = numeric ? entry.Source.ToString() : NameDatabase.NameOf(entry.Source) ?? entry.Source.ToString();
            string destination = numeric ? entry.Destination.ToString() : NameDatabase.NameOf(entry.Destination) ?? entry.Destination.ToString();
            text.Append($"{source,-20} {destination,-20} ");
            text.Append($"{RuleText.Port(entry.SourcePort, protocol, numeric)} ({entry.MasqueradePort}) -> {RuleText.Port(entry.DestinationPort, protocol, numeric)}\n");
        }
        return text.ToString();
    }
}
