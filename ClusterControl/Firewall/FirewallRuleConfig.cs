namespace ClusterControl.Firewall;

/// <summary>A firewall or cluster rule as clusterd stores it. Filled in by the ipfwadm issue.</summary>
public sealed record FirewallRuleConfig;
