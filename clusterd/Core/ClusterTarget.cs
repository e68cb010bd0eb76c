using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.State;

namespace Clusterd.Core;

/// <summary>Where a cluster rule sends new connections.</summary>
public readonly record struct ClusterTarget(string Pool, Ipv4Address? StaticNode)
{
    /// <summary>The pool and static node of cluster rule <paramref name="ruleId"/>, or null when <paramref name="config"/> has no such rule.</summary>
    public static ClusterTarget? OfRule(ClusterConfig config, int ruleId) =>
        config.FirewallRules.Find(r => r.Id == ruleId && r.Policy == RulePolicy.Cluster) is { } rule
            ? new ClusterTarget(rule.Pool!, rule.StaticNode)
            : null;
}
