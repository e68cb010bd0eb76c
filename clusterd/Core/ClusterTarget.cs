using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.State;

namespace Clusterd.Core;

/// <summary>Where a cluster rule sends new connections.</summary>
public readonly record struct ClusterTarget(string Pool, Ipv4Address? StaticNode)
{
    /// <summary>The pool and static node of cluster rule <paramref name="ruleId"/>, or null when <paramref name="config"/> has no such rule.</summary>
    /// <remarks>A loop, not a predicate: every verdict asks, and a capturing lambda would allocate per packet.</remarks>
    public static ClusterTarget? OfRule(ClusterConfig config, int ruleId)
    {
        foreach (var rule in config.FirewallRules)
            if (rule.Id == ruleId && rule.Policy == RulePolicy.Cluster) return new ClusterTarget(rule.Pool!, rule.StaticNode);
        return null;
    }
}
