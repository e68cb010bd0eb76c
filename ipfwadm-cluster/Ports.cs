using System.Collections.Immutable;
using ClusterControl.Firewall;

namespace Ipfwadm;

/// <summary>ipfwadm's port words (docs/ipfwadm-spec.md §1.8): numbers, service names, one range per side, ICMP types.</summary>
public static class Ports
{
    /// <summary>The side's ports with its range (if any) first, as the kernel rule stores them.</summary>
    public static (ImmutableArray<ushort> Ports, bool HasRange) Parse(SideWords side, RuleProtocol protocol, string program)
    {
        var range = new List<ushort>();
        var singles = new List<ushort>();
        foreach (string word in side.Ports)
        {
            int colon = word.IndexOf(':');
            if (colon < 0)
            {
                singles.Add(Port(word, protocol, program));
                continue;
            }
            ushort low = Port(word[..colon], protocol, program), high = Port(word[(colon + 1)..], protocol, program);
            if (low > high) throw IpfwadmExit.Error(program, $"invalid range of ports ({low} > {high})");
            range.AddRange([low, high]);
        }
        return ([.. range, .. singles], range.Count > 0);
    }

    /// <summary>One port: a number 0..65535, else a service name of the protocol; ICMP types are numbers only.</summary>
    public static ushort Port(string word, RuleProtocol protocol, string program)
    {
        if (CNumbers.TryStrtol(word, 10, out long number) && number is >= 0 and <= 65535) return (ushort)number;
        if (protocol == RuleProtocol.Icmp) throw IpfwadmExit.Error(program, $"invalid ICMP type \"{word}\" specified");
        if (protocol is RuleProtocol.Tcp or RuleProtocol.Udp && NameDatabase.ServicePort(word, Keywords.Name(protocol)) is { } port)
            return port;
        throw IpfwadmExit.Error(program, $"invalid port/service \"{word}\" specified");
    }
}
