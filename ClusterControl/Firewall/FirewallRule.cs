using System.Collections.Immutable;

namespace ClusterControl.Firewall;

/// <summary>The chains of the 2.0 kernel firewall, as ipfwadm's categories name them.</summary>
public enum FirewallChain
{
    /// <summary>-A: accounting; rules count, they decide nothing.</summary>
    Accounting,
    /// <summary>-I: every packet received, before routing.</summary>
    Input,
    /// <summary>-O: every packet sent.</summary>
    Output,
    /// <summary>-F: every packet routed through.</summary>
    Forward,
}

/// <summary>What a firewall rule does to a matching packet. Cluster is the 1997 extension.</summary>
public enum RulePolicy { Accept, Deny, Reject, Cluster }

public enum RuleProtocol { All, Tcp, Udp, Icmp }

/// <summary>Which packets an accounting rule counts.</summary>
public enum AccountingDirection { Both, In, Out }

/// <summary>One side of a rule: address and mask, and ports (or ICMP types).</summary>
/// <param name="Ports">With <paramref name="HasRange"/>, the first two entries are the range's low and high end.</param>
public sealed record AddressMatch(Ipv4Address Address, Ipv4Address Mask, ImmutableArray<ushort> Ports, bool HasRange)
{
    public static AddressMatch Anywhere { get; } = new(default, default, [], false);

    /// <summary>A rule side matches an address when the masked bits agree.</summary>
    public bool Matches(Ipv4Address address) => (address.Value & Mask.Value) == Address.Value;

    /// <summary>No ports means any port; a range covers its span; single ports match exactly.</summary>
    public bool MatchesPort(ushort port)
    {
        if (Ports.IsDefaultOrEmpty) return true;
        int singlesFrom = 0;
        if (HasRange)
        {
            if (port >= Ports[0] && port <= Ports[1]) return true;
            singlesFrom = 2;
        }
        for (int i = singlesFrom; i < Ports.Length; i++)
            if (Ports[i] == port) return true;
        return false;
    }

    public bool Equals(AddressMatch? other) =>
        other is not null && Address == other.Address && Mask == other.Mask && HasRange == other.HasRange
        && Ports.AsSpan().SequenceEqual(other.Ports.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Address, Mask, HasRange, Ports.Length);
}

/// <summary>
/// A rule of one chain, with the fields of the 2.0 kernel's <c>struct ip_fw</c>. For a
/// <see cref="RulePolicy.Cluster"/> rule, <see cref="Interface"/> names the pool and
/// <see cref="InterfaceAddress"/> the static node (0.0.0.0 = least loaded), as -W and -V do.
/// </summary>
public sealed record FirewallRule
{
    /// <summary>Given by clusterd when the rule is stored; names its kernel counter. 0 in requests.</summary>
    public int Id { get; init; }
    public FirewallChain Chain { get; init; }
    public RulePolicy Policy { get; init; }
    public bool Masquerade { get; init; }
    public bool Redirect { get; init; }
    /// <summary>With <see cref="Redirect"/>: the local port, 0 = the packet's own destination port.</summary>
    public ushort RedirectPort { get; init; }
    public RuleProtocol Protocol { get; init; }
    public AddressMatch Source { get; init; } = AddressMatch.Anywhere;
    public AddressMatch Destination { get; init; } = AddressMatch.Anywhere;
    /// <summary>-W: interface name ("" = any); the pool of a cluster rule.</summary>
    public string Interface { get; init; } = "";
    /// <summary>-V: interface address (0.0.0.0 = any); the static node of a cluster rule.</summary>
    public Ipv4Address InterfaceAddress { get; init; }
    public bool Bidirectional { get; init; }
    /// <summary>-y: TCP SYN set and ACK clear (a connection request).</summary>
    public bool SynOnly { get; init; }
    /// <summary>-k: TCP ACK set.</summary>
    public bool AckSet { get; init; }
    /// <summary>-o: log matching packets.</summary>
    public bool Log { get; init; }
    public byte TosAnd { get; init; } = 0xff;
    public byte TosXor { get; init; }
    public AccountingDirection Direction { get; init; }

    /// <summary>
    /// How -d finds the rule to delete, as the 2.0 kernel's del_from_chain compared: every field but
    /// the id (counters), the TOS masks and the redirect port (it sits after the compared port slots).
    /// </summary>
    public bool SameMatchAs(FirewallRule other) => Comparable(this) == Comparable(other);

    private static FirewallRule Comparable(FirewallRule rule) => rule with { Id = 0, TosAnd = 0xff, TosXor = 0, RedirectPort = 0 };

    public string? Pool => Policy == RulePolicy.Cluster ? Interface : null;

    public Ipv4Address? StaticNode => Policy == RulePolicy.Cluster && InterfaceAddress.Value != 0 ? InterfaceAddress : null;
}
