using Clusterd.Kernel;
using Clusterd.State;

namespace Clusterd.Firewall;

/// <summary>The firewall rules as the data plane needs them. Filled in by the ipfwadm issue.</summary>
public sealed class FirewallRendering : IFirewallRendering
{
    public string Chains(ClusterConfig config) =>
        "add chain ip ip_cluster input { type filter hook prerouting priority -150; policy accept; }\n" +
        "add chain ip ip_cluster forward { type filter hook forward priority 0; policy accept; }\n" +
        "add chain ip ip_cluster output { type filter hook output priority 0; policy accept; }\n";

    public ClusterTarget? ClusterRule(ClusterConfig config, int ruleId) => null;
}
