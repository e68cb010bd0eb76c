using Clusterd.Core;
using Clusterd.State;

namespace Clusterd.Kernel;

/// <summary>What the data plane needs from the firewall rules: their nft form and their counters.</summary>
public interface IFirewallRendering
{
    /// <summary>
    /// nft statements that declare and fill the firewall chains of <see cref="Nftables.ClusterTable"/>,
    /// for the interfaces holding the addresses they hold now (-V rules).
    /// </summary>
    string Chains(ClusterConfig config, InterfaceAddresses interfaces);

    /// <summary>The named counters <see cref="Chains"/> declares for <paramref name="config"/>, one per rule.</summary>
    IReadOnlySet<string> CounterNames(ClusterConfig config);
}

