using System.Collections.Immutable;

namespace ClusterControl.Firewall;

/// <summary>An ipfwadm command, validated and parsed by the client; clusterd checks it again.</summary>
public sealed record FirewallRequest
{
    public required FirewallCommand Command { get; init; }
    public FirewallChain Chain { get; init; }
    /// <summary>-a/-i/-d: one rule per source × destination address pair, in ipfwadm's order.</summary>
    public ImmutableArray<FirewallRule> Rules { get; init; } = [];
    /// <summary>-p: the new default policy.</summary>
    public DefaultPolicy? Policy { get; init; }
    /// <summary>-M -s: the masquerading timeouts.</summary>
    public MasqueradeTimeouts? Timeouts { get; init; }
    /// <summary>-c: the packets to check, one per address pair.</summary>
    public ImmutableArray<CheckedPacket> Packets { get; init; } = [];

    /// <summary>What anyone may ask: the listings. -c changes nothing but needed root (a raw socket) in 2.0 too.</summary>
    public bool IsReadOnly => Command is FirewallCommand.List or FirewallCommand.ListMasquerade;
}

public enum FirewallCommand
{
    Append, Insert, Delete, Flush, Zero, List, ListAndZero, SetPolicy, Check, SetMasqueradeTimeouts, ListMasquerade,
}

/// <summary>A chain's default policy: accept, deny or reject, or accept with masquerading (forward chain).</summary>
public sealed record DefaultPolicy(RulePolicy Policy, bool Masquerade = false)
{
    public static DefaultPolicy Accept { get; } = new(RulePolicy.Accept);
}

/// <summary>Masquerading timeouts in seconds; 0 keeps the current value.</summary>
public sealed record MasqueradeTimeouts(int Tcp, int TcpFin, int Udp);

/// <summary>The packet of an ipfwadm -c: protocol, addresses, ports (or ICMP type), interface, SYN.</summary>
public sealed record CheckedPacket(RuleProtocol Protocol, Ipv4Address Source, ushort SourcePort,
    Ipv4Address Destination, ushort DestinationPort, string Interface, Ipv4Address InterfaceAddress, bool Syn);

/// <summary>clusterd's answer to an ipfwadm command.</summary>
public sealed record FirewallAnswer
{
    /// <summary>-l: the chain's rules in order, with their counters.</summary>
    public ImmutableArray<ListedRule> Rules { get; init; } = [];
    public DefaultPolicy? Policy { get; init; }
    /// <summary>-c: what happened to each packet, in order.</summary>
    public ImmutableArray<CheckVerdict> Verdicts { get; init; } = [];
    /// <summary>-M -l: the masqueraded connections.</summary>
    public ImmutableArray<MasqueradeEntry> Masqueraded { get; init; } = [];
    /// <summary>
    /// -a/-i/-d/-p…: the errno text of the first pair the "kernel" refused (e.g. "Invalid argument"
    /// for -d of a rule that does not exist) — ipfwadm prints it after "setsockopt failed: ".
    /// </summary>
    public string? SetsockoptError { get; init; }
}

public sealed record ListedRule(FirewallRule Rule, ulong Packets, ulong Bytes);

/// <summary>
/// What happened to a checked packet. <see cref="NoSuchInterface"/>: the -W interface does not
/// exist or does not have the -V address, which the 2.0 kernel refused with EINVAL.
/// </summary>
public enum CheckVerdict { Accepted, Denied, Rejected, Masqueraded, Redirected, Clustered, NoSuchInterface }

/// <param name="InitialSequence">With <paramref name="Delta"/> and <paramref name="PreviousDelta"/>: the
/// outgoing direction's sequence adjustment, as 2.0 listed its out_seq (the -e columns).</param>
public sealed record MasqueradeEntry(RuleProtocol Protocol, Ipv4Address Source, ushort SourcePort,
    Ipv4Address Destination, ushort DestinationPort, ushort MasqueradePort, uint ExpiresHundredths,
    uint InitialSequence = 0, int Delta = 0, int PreviousDelta = 0);
