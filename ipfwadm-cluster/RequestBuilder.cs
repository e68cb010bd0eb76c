using System.Collections.Immutable;
using ClusterControl;
using ClusterControl.Firewall;

namespace Ipfwadm;

/// <summary>
/// Turns a checked command line into the request for clusterd: the sides parsed (docs/ipfwadm-spec.md §2.2
/// steps 9–11), and one rule — or one packet to check — per source × destination address pair,
/// source in the outer loop.
/// </summary>
public static class RequestBuilder
{
    public static FirewallRequest Build(ParsedCommandLine line, string program)
    {
        var chain = line.Category switch
        {
            'A' => FirewallChain.Accounting,
            'O' => FirewallChain.Output,
            'F' => FirewallChain.Forward,
            _ => FirewallChain.Input,
        };
        var source = Side(line, line.Source, "source", 'S', program);
        var destination = Side(line, line.Destination, "destination", 'D', program);
        ushort redirectPort = 0;
        if (line.Has('r'))
        {
            if (line.Source.Slots + line.Destination.Slots >= OptionLoop.MaxPorts)
                throw IpfwadmExit.Error(program, "too many ports specified (maximum 9 when using -r option)");
            if (line.RedirectPortWord is { } word) redirectPort = Ports.Port(word, line.Protocol, program);
        }

        var command = (line.Category, line.Command, line.ListAndZero) switch
        {
            ('M', 'l', _) => FirewallCommand.ListMasquerade,
            ('M', 's', _) => FirewallCommand.SetMasqueradeTimeouts,
            (_, 'l', true) => FirewallCommand.ListAndZero,
            (_, 'l', false) => FirewallCommand.List,
            (_, 'z', _) => FirewallCommand.Zero,
            (_, 'f', _) => FirewallCommand.Flush,
            (_, 'p', _) => FirewallCommand.SetPolicy,
            (_, 'c', _) => FirewallCommand.Check,
            (_, 'i', _) => FirewallCommand.Insert,
            (_, 'd', _) => FirewallCommand.Delete,
            _ => FirewallCommand.Append,
        };
        var request = new FirewallRequest { Command = command, Chain = chain, Timeouts = line.Timeouts };
        switch (command)
        {
            case FirewallCommand.SetPolicy:
                return request with { Policy = new DefaultPolicy(line.Policy!.Value, line.Has('m')) };
            case FirewallCommand.Check:
                return request with
                {
                    Packets = [.. Pairs(source, destination).Select(pair => new CheckedPacket(line.Protocol,
                        pair.Source, source!.Ports[0], pair.Destination,
                        destination!.Ports.IsDefaultOrEmpty ? (ushort)0 : destination.Ports[0],
                        line.Interface, line.InterfaceAddress, line.Has('y')))],
                };
            case FirewallCommand.Append or FirewallCommand.Insert or FirewallCommand.Delete:
                var template = new FirewallRule
                {
                    Chain = chain,
                    Policy = line.Category == 'A' ? RulePolicy.Accept : line.Policy!.Value,
                    Masquerade = line.Has('m'),
                    Redirect = line.Has('r'),
                    RedirectPort = redirectPort,
                    Protocol = line.Protocol,
                    Interface = line.Interface,
                    InterfaceAddress = line.InterfaceAddress,
                    Bidirectional = line.Has('b'),
                    SynOnly = line.Has('y'),
                    AckSet = line.Has('k'),
                    Log = line.Has('o'),
                    TosAnd = line.TosAnd,
                    TosXor = line.TosXor,
                    Direction = line.Direction,
                };
                source ??= Anywhere;
                destination ??= Anywhere;
                return request with
                {
                    Rules = [.. Pairs(source, destination).Select(pair => template with
                    {
                        Source = source.With(pair.Source),
                        Destination = destination.With(pair.Destination),
                    })],
                };
            default:
                return request;
        }
    }

    /// <summary>A side as parsed: its addresses (one rule each), mask and ports.</summary>
    private sealed record ParsedSide(List<Ipv4Address> Addresses, Ipv4Address Mask, ImmutableArray<ushort> Ports, bool HasRange)
    {
        public AddressMatch With(Ipv4Address address) => new(address, Mask, Ports, HasRange);
    }

    private static readonly ParsedSide Anywhere = new([default], default, [], false);

    private static ParsedSide? Side(ParsedCommandLine line, SideWords side, string name, char option, string program)
    {
        LineChecks.CheckSide(line, side, name, option, program);
        if (side.Address is null) return line.EditsRules ? Anywhere : null;
        var (addresses, mask) = Addresses.Parse(side.Address, program);
        var (ports, hasRange) = Ports.Parse(side, line.Protocol, program);
        return new ParsedSide(addresses, mask, ports, hasRange);
    }

    private static IEnumerable<(Ipv4Address Source, Ipv4Address Destination)> Pairs(ParsedSide? source, ParsedSide? destination) =>
        from s in (source ?? Anywhere).Addresses
        from d in (destination ?? Anywhere).Addresses
        select (s, d);
}
