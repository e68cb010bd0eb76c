using ClusterControl.Firewall;

namespace Ipfwadm;

/// <summary>
/// The checks ipfwadm makes once the whole line is read (docs/ipfwadm-spec.md §2.2), in its exact order; each
/// numbered group stops at its first failure. The cluster extension adds two checks (docs/ipfwadm-spec.md §7).
/// Steps 9–11 interleave checks with parsing the addresses, so <see cref="RequestBuilder"/> runs
/// them, through <see cref="CheckSide"/>.
/// </summary>
public static class LineChecks
{
    public static void Run(ParsedCommandLine line, string program)
    {
        void Fail(string message) => throw IpfwadmExit.Error(program, message);
        char? category = line.Category;
        char? command = line.Command;
        bool accountingOrMasq = category is 'A' or 'M';
        bool firewall = category is 'I' or 'O' or 'F';

        if (line.Strays.Count > 0) Fail("unknown arguments found on commandline");
        if (command is null) Fail("no command specified");

        if (category is null) Fail("missing -A, -F, -I, -O, or -M flag");
        else if (accountingOrMasq && command == 'c') Fail("specify either -F, -I, or -O for checking a packet");
        else if (accountingOrMasq && command == 'p') Fail("specify either -F, -I, or -O for changing the policy");
        else if (firewall && line.EditsRules && line.Policy is null) Fail("policy required for firewall entries");
        else if (accountingOrMasq && line.EditsRules && line.Policy is not null) Fail("no policy allowed with non-firewall entries");
        else if (category == 'M' && command is not ('s' or 'l')) Fail("-M only allowed in combination with -s or -l command");
        else if (command == 's' && category != 'M') Fail("setting masquerading timeouts requires -M flag");

        if (line.Policy == RulePolicy.Cluster && category is not ('I' or 'F'))
            Fail("cluster policy only allowed in combination with -I or -F");

        if (line.Has('b') && !line.EditsRules) Fail("bidirectional flag (-b) only allowed with insert/append/delete");
        else if (line.Has('o') && !line.EditsRules) Fail("kernel print flag (-o) only allowed with insert/append/delete");
        else if (line.Has('r') && !line.EditsRules) Fail("port redirection (-r) only allowed with insert/append/delete");
        else if (line.Has('t') && !line.EditsRules) Fail("tos values (-t) only allowed with insert/append/delete");

        if (line.Has('P') && line.TakesNoRule) Fail("no protocol (-P) allowed with this command");
        else if (!line.Has('P') && command == 'c') Fail("protocol (-P) required for this command");
        if (command == 'c' && line.Protocol == RuleProtocol.All) Fail("specific protocol required for check command");

        if (line.Has('V') && line.TakesNoRule) Fail("no interface address (-V) allowed with this command");
        if (!line.Has('V') && command == 'c') Fail("interface address (-V) required for this command");
        if (line.Has('W') && line.TakesNoRule) Fail("no interface name (-W) allowed with this command");
        if (!line.Has('W') && command == 'c') Fail("interface name (-W) required for this command");
        if (line.Policy == RulePolicy.Cluster && !line.Has('W')) Fail("cluster policy requires -W pool");

        int sourcePorts = line.Source.Slots, destinationPorts = line.Destination.Slots;
        bool icmp = line.Protocol == RuleProtocol.Icmp;
        bool masquerade = line.Has('m');
        if (icmp && destinationPorts > 0) Fail("ICMP types only allowed with -S, not with -D");
        else if (line.Protocol == RuleProtocol.All && sourcePorts + destinationPorts > 0) Fail("no ports allowed without specific protocol");
        else if (command == 'c' && !icmp && (sourcePorts != 1 || destinationPorts != 1)) Fail("one port required with source/destination address");
        else if (command == 'c' && icmp && (sourcePorts != 1 || destinationPorts != 0)) Fail("ICMP type required after source address");
        else if (line.Has('r') && category != 'I') Fail("redirecting only allowed in combination with -I");
        else if (line.Has('r') && icmp) Fail("redirecting not allowed with protocol ICMP");
        else if (masquerade && category != 'F') Fail("masquerading only allowed in combination with -F");
        else if (masquerade && icmp) Fail("masquerading not allowed with protocol ICMP");
        else if (masquerade && line.Policy != RulePolicy.Accept) Fail("masquerading only allowed with policy accept");
    }

    /// <summary>Step 9 (source) or 10 (destination): whether the command may or must have the side.</summary>
    public static void CheckSide(ParsedCommandLine line, SideWords side, string name, char option, string program)
    {
        if (side.Address is not null && line.TakesNoRule)
            throw IpfwadmExit.Error(program, $"no {name} address (-{option}) allowed with this command");
        if (side.Address is null && line.Command == 'c')
            throw IpfwadmExit.Error(program, $"{name} address (-{option}) required for this command");
    }
}
