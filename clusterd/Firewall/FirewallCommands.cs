using System.Collections.Immutable;
using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Control;
using Clusterd.State;

namespace Clusterd.Firewall;

/// <summary>
/// ipfwadm requests. Changes go through <see cref="ClusterService.Change"/> like every other
/// change, so a refused one (a cluster rule naming a missing pool, a -d of a rule that is not
/// there, a kernel refusal) leaves all rules as they were. Refusals carry the errno text the
/// 2.0 kernel gave, which ipfwadm prints after "setsockopt failed: ".
/// </summary>
public static class FirewallCommands
{
    public const string NoSuchDevice = "No such device", NoSuchDeviceOrAddress = "No such device or address", InvalidArgument = "Invalid argument";

    public static ControlReply Execute(ClusterService service, FirewallRequest request)
    {
        switch (request.Command)
        {
            case FirewallCommand.Append:
            case FirewallCommand.Insert:
                service.Change(config => Add(config, request));
                return ControlReply.Done;
            case FirewallCommand.Delete:
                service.Change(config => Delete(config, request));
                return ControlReply.Done;
            case FirewallCommand.Flush:
                service.Change(config => config with { FirewallRules = config.FirewallRules.RemoveAll(r => r.Chain == request.Chain) });
                return ControlReply.Done;
            case FirewallCommand.Zero:
                Listing(service, request.Chain, zero: true);
                return ControlReply.Done;
            case FirewallCommand.List:
            case FirewallCommand.ListAndZero:
                return Answer(Listing(service, request.Chain, request.Command == FirewallCommand.ListAndZero));
            case FirewallCommand.SetPolicy:
                service.Change(config => SetPolicy(config, request));
                return ControlReply.Done;
            case FirewallCommand.SetMasqueradeTimeouts:
                service.Change(config => SetTimeouts(config, request.Timeouts));
                return ControlReply.Done;
            case FirewallCommand.Check:
                var config = service.Config;
                return Answer(new FirewallAnswer
                {
                    Verdicts = [.. request.Packets.Select(packet => LocalInterfaces.Has(packet.Interface, packet.InterfaceAddress)
                        ? PacketCheck.Verdict(config, request.Chain, packet)
                        : CheckVerdict.NoSuchInterface)],
                });
            case FirewallCommand.ListMasquerade:
                return Answer(new FirewallAnswer { Masqueraded = [.. MasqueradedConnections.Read()] });
            default:
                return ControlReply.Fail(ControlError.BadRequest, $"unknown firewall command '{request.Command}'");
        }
    }

    /// <summary>Whether a cluster rule sends connections to <paramref name="pool"/>.</summary>
    public static bool NamesPool(ClusterConfig config, string pool) => config.FirewallRules.Any(r => r.Pool == pool);

    /// <summary>Whether a cluster rule names <paramref name="node"/> of <paramref name="pool"/> as its static node.</summary>
    public static bool NamesNode(ClusterConfig config, string pool, Ipv4Address node) =>
        config.FirewallRules.Any(r => r.Pool == pool && r.StaticNode == node);

    private static ControlReply Answer(FirewallAnswer answer) => new(ControlAnswer.Done with { Firewall = answer });

    private static ClusterConfig Add(ClusterConfig config, FirewallRequest request)
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

    private static ClusterConfig Delete(ClusterConfig config, FirewallRequest request)
    {
        var rules = config.FirewallRules;
        foreach (var requested in request.Rules)
        {
            var wanted = requested with { Chain = request.Chain };
            int index = rules.FindIndex(r => r.SameMatchAs(wanted));
            if (index < 0) throw new RefusedException(ControlError.KernelRefused, InvalidArgument);
            rules = rules.RemoveAt(index);
        }
        return config with { FirewallRules = rules };
    }

    private static int FirstIndexOf(ImmutableList<FirewallRule> rules, FirewallChain chain)
    {
        int index = rules.FindIndex(r => r.Chain == chain);
        return index < 0 ? rules.Count : index;
    }

    private static ClusterConfig SetPolicy(ClusterConfig config, FirewallRequest request)
    {
        var policy = request.Policy ?? throw new RefusedException(ControlError.BadRequest, "missing policy");
        bool valid = request.Chain != FirewallChain.Accounting && policy.Policy != RulePolicy.Cluster
                     && (!policy.Masquerade || (request.Chain == FirewallChain.Forward && policy.Policy == RulePolicy.Accept));
        return valid ? config.WithPolicy(request.Chain, policy) : throw new RefusedException(ControlError.KernelRefused, InvalidArgument);
    }

    private static ClusterConfig SetTimeouts(ClusterConfig config, MasqueradeTimeouts? timeouts)
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

    /// <summary>The chain's rules with their kernel counters (both directions of a -b rule share one counter).</summary>
    private static FirewallAnswer Listing(ClusterService service, FirewallChain chain, bool zero)
    {
        var config = service.Config;
        var rules = config.RulesOf(chain).ToList();
        var counters = service.Counters(rules.Select(FirewallRendering.CounterName).ToList(), zero);
        return new FirewallAnswer
        {
            Policy = config.PolicyOf(chain),
            Rules = [.. rules.Select(rule =>
                counters.TryGetValue(FirewallRendering.CounterName(rule), out var counter)
                    ? new ListedRule(rule, counter.Packets, counter.Bytes)
                    : new ListedRule(rule, 0, 0))],
        };
    }
}
