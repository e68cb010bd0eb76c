using ClusterControl;
using ClusterControl.Firewall;

namespace Ipfwadm;

/// <summary>The pieces of a rule as ipfwadm prints them, shared by the listing and the -v lines.</summary>
public static class RuleText
{
    /// <summary>The kind column: the redirect flag is tested first, then masquerade, then the policy.</summary>
    public static string Kind(FirewallRule rule) => rule.Chain == FirewallChain.Accounting
        ? rule.Direction switch { AccountingDirection.In => "in", AccountingDirection.Out => "out", _ => "i/o" }
        : rule.Policy switch
        {
            RulePolicy.Cluster => "clu",
            _ when rule.Redirect => "acc/r", // shown even on a deny rule, which the kernel denies
            _ when rule.Masquerade => "acc/m",
            RulePolicy.Deny => "deny",
            RulePolicy.Reject => "rej",
            _ => "acc",
        };

    public static string Options(FirewallRule rule) =>
        $"{(rule.Bidirectional ? 'b' : '-')}{(rule.AckSet ? 'k' : '-')}{(rule.SynOnly ? 'y' : '-')}{(rule.Log ? 'o' : '-')}";

    /// <summary>An address with its mask: "anywhere" for /0 unless numeric; no suffix for /32; /N or a dotted mask.</summary>
    public static string Address(AddressMatch side, bool numeric)
    {
        if (side.Mask.Value == 0 && !numeric) return "anywhere";
        string host = numeric ? side.Address.ToString() : NameDatabase.NameOf(side.Address) ?? side.Address.ToString();
        return host + MaskSuffix(side.Mask);
    }

    private static string MaskSuffix(Ipv4Address mask)
    {
        if (mask.Value == uint.MaxValue) return "";
        int ones = System.Numerics.BitOperations.PopCount(mask.Value);
        bool contiguous = mask.Value == (ones == 0 ? 0u : uint.MaxValue << (32 - ones));
        return contiguous ? $"/{ones}" : $"/{mask}";
    }

    /// <summary>A side's ports: "any" ("*" numeric) when none; a range's ends joined by ':'; names when not numeric.</summary>
    public static string PortList(AddressMatch side, RuleProtocol protocol, bool numeric)
    {
        if (side.Ports.IsDefaultOrEmpty) return numeric ? "*" : "any";
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < side.Ports.Length; i++)
        {
            if (i > 0) text.Append(i == 1 && side.HasRange ? ':' : ',');
            text.Append(Port(side.Ports[i], protocol, numeric));
        }
        return text.ToString();
    }

    public static string Port(ushort port, RuleProtocol protocol, bool numeric) =>
        !numeric && protocol is RuleProtocol.Tcp or RuleProtocol.Udp && NameDatabase.ServiceName(port, Keywords.Name(protocol)) is { } name
            ? name
            : port.ToString();

    /// <summary>The ports column after its leading space: "n/a", ICMP types, or "src -> dst", and "=> port" for a redirect.</summary>
    public static string Ports(FirewallRule rule, bool numeric)
    {
        if (rule.Protocol == RuleProtocol.All) return "n/a";
        string source = PortList(rule.Source, rule.Protocol, numeric);
        if (rule.Protocol == RuleProtocol.Icmp) return source;
        string ports = $"{source} -> {PortList(rule.Destination, rule.Protocol, numeric)}";
        if (rule.Redirect)
            ports += " => " + (rule.RedirectPort == 0 ? (numeric ? "*" : "any") : Port(rule.RedirectPort, rule.Protocol, numeric));
        return ports;
    }
}
