using System.Collections.Immutable;
using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Core;
using Clusterd.State;

namespace Clusterd.Firewall;

/// <summary>
/// ipfwadm requests as changes to a configuration and reads of the kernel; Control's
/// <c>FirewallRequests</c> runs each through <see cref="ClusterService.Change"/> like every other
/// change, so a refused one (a cluster rule naming a missing pool, a -d of a rule that is not
/// there, a kernel refusal) leaves all rules as they were. Refusals carry the errno text the
/// 2.0 kernel gave, which ipfwadm prints after "setsockopt failed: ".
/// </summary>
public static class FirewallCommands
{
    public const string NoSuchDevice = "No such device", NoSuchDeviceOrAddress = "No such device or address", InvalidArgument = "Invalid argument";

    public static ClusterConfig Flush(ClusterConfig config, FirewallChain chain) =>
        config with { FirewallRules = config.FirewallRules.RemoveAll(r => r.Chain == chain) };

    /// <summary>ipfwadm -c: each packet's verdict, or <see cref="CheckVerdict.NoSuchInterface"/> when its -W/-V is not an interface here.</summary>
    public static List<CheckVerdict> Check(ClusterConfig config, FirewallChain chain, IEnumerable<CheckedPacket> packets, INetworkInterfaces interfaces) =>
        [.. packets.Select(packet => interfaces.Has(packet.Interface, packet.InterfaceAddress)
            ? PacketCheck.Verdict(config, chain, packet)
            : CheckVerdict.NoSuchInterface)];

    /// <summary>Whether a cluster rule sends connections to <paramref name="pool"/>.</summary>
    public static bool NamesPool(ClusterConfig config, string pool) => config.FirewallRules.Any(r => r.Pool == pool);

    /// <summary>Whether a cluster rule names <paramref name="node"/> of <paramref name="pool"/> as its static node.</summary>
    public static bool NamesNode(ClusterConfig config, string pool, Ipv4Address node) =>
        config.FirewallRules.Any(r => r.Pool == pool && r.StaticNode == node);

        public static ClusterConfig Add(ClusterConfig config, FirewallRequest request)
    {
        int nextId = config.NextRuleId;
        var rules = config.FirewallRules;
        foreach (var requested in request.Rules)
        {
            var rule = RuleValidation.Check(config, requested with { Chain = request.Chain, Id = nextId++ });
            rules = request.Command == FirewallCommand.Append
                ? rules.Add(rule)
                : rules.Insert(FirstIndexOf(rules, request.Chain), rule); // each pair goes to the head, as each insert did
        }
        return config with { FirewallRules = rules, NextRuleId = nextId };
    }

    public static ClusterConfig Delete(ClusterConfig config, FirewallRequest request)
    {
        var rules = config.FirewallRules;
        foreach (var requested in request.Rules)
        {
            var wanted = requested with { Chain = request.Chain };
            int index = IndexOf(rules, r => r.SameMatchAs(wanted));
            if (index < 0) throw new RefusedException(ControlError.KernelRefused, InvalidArgument);
            rules = rules.RemoveAt(index);
        }
        return config with { FirewallRules = rules };
    }

    private static int FirstIndexOf(ImmutableArray<FirewallRule> rules, FirewallChain chain)
    {
        int index = IndexOf(rules, r => r.Chain == chain);
        return index < 0 ? rules.Length : index;
    }

    private static int IndexOf(ImmutableArray<FirewallRule> rules, Predicate<FirewallRule> match)
    {
        for (int i = 0; i < rules.Length; i++)
            if (match(rules[i])) return i;
        return -1;
    }

    public static ClusterConfig SetPolicy(ClusterConfig config, FirewallRequest request)
    {
        var policy = request.Policy ?? throw new RefusedException(ControlError.BadRequest, "missing policy");
        bool valid = request.Chain != FirewallChain.Accounting && policy.Policy != RulePolicy.Cluster
                     && (!policy.Masquerade || (request.Chain == FirewallChain.Forward && policy.Policy == RulePolicy.Accept));
        return valid ? config.WithPolicy(request.Chain, policy) : throw new RefusedException(ControlError.KernelRefused, InvalidArgument);
    }

    public static ClusterConfig SetTimeouts(ClusterConfig config, MasqueradeTimeouts? timeouts)
    {
        if (timeouts is null || timeouts.Tcp < 0 || timeouts.TcpFin < 0 || timeouts.Udp < 0)
            throw new RefusedException(ControlError.BadRequest, "bad masquerading timeouts");
        var current = config.MasqueradeTimeouts;
        return config with
        {
            MasqueradeTimeouts = new MasqueradeTimeouts(
                timeouts.Tcp == 0 ? current.Tcp : timeouts.Tcp,
                timeouts.TcpFin == 0 ? current.TcpFin : timeouts.TcpFin,
                timeouts.Udp == 0 ? current.Udp : timeouts.Udp),
        };
    }

    /// <summary>
    /// The chain's rules in <paramref name="config"/> with their kernel counters (both directions of
    /// a -b rule share one counter); with <paramref name="zero"/>, the counters are zeroed as read.
    /// </summary>
    public static List<ListedRule> CountedRules(ClusterService service, ClusterConfig config, FirewallChain chain, bool zero)
    {
        var rules = config.RulesOf(chain).ToList();
        var counters = service.Counters(rules.Select(FirewallRendering.CounterName).ToList(), zero);
        return [.. rules.Select(rule =>
            counters.TryGetValue(FirewallRendering.CounterName(rule), out var counter)
                ? new ListedRule(rule, counter.Packets, counter.Bytes)
                : new ListedRule(rule, 0, 0))];
    }
}
