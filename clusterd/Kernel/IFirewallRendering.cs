using Clusterd.Core;
using Clusterd.Kernel.Nftables;
using Clusterd.State;

namespace Clusterd.Kernel;

/// <summary>What the data plane needs from the firewall rules: their nft form.</summary>
public interface IFirewallRendering
{
    /// <summary>
    /// Adds the firewall chains of <see cref="ClusterTable"/> and their rules, each counting under its
    /// firewall rule's name, to <paramref name="table"/>, for the interfaces holding the addresses
    /// they hold now (-V rules).
    /// </summary>
    void Fill(TableContents table, ClusterConfig config, InterfaceAddresses interfaces);
}
