using ClusterControl;
using Clusterd.State;

namespace Clusterd.Kernel;

/// <summary>What the data plane needs from the firewall rules: their nft form, and the cluster rules' targets.</summary>
public interface IFirewallRendering
{
    /// <summary>
    /// nft statements that declare and fill the firewall chains of <see cref="Nftables.ClusterTable"/>,
    /// for the interfaces holding the addresses they hold now (-V rules).
    /// </summary>
    string Chains(ClusterConfig config, Firewall.InterfaceAddresses interfaces);

    /// <summary>The named counters <see cref="Chains"/> declares for <paramref name="config"/>, one per rule.</summary>
    IReadOnlySet<string> CounterNames(ClusterConfig config);

    /// <summary>The pool and static node of cluster rule <paramref name="ruleId"/>, or null when there is no such rule.</summary>
    ClusterTarget? ClusterRule(ClusterConfig config, int ruleId);
}

/// <summary>Where a cluster rule sends new connections.</summary>
public readonly record struct ClusterTarget(string Pool, Ipv4Address? StaticNode);
