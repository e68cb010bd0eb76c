using Clusterd.State;

namespace Clusterd.Core;

/// <summary>
/// The kernel side of a configuration: nftables rules, queue, routes. <see cref="Apply"/> is all or
/// nothing — when the kernel refuses, it throws <see cref="KernelRefusedException"/> and the rules
/// already in force stay as they were — and touches only what differs from what the kernel holds, so
/// applying a configuration again, or one rule more, costs what changed, not what is there.
/// </summary>
public interface IDataPlane : IDisposable
{
    /// <param name="config">The configuration to program.</param>
    /// <param name="retired">Nodes no longer configured whose connections still flow; they keep their path.</param>
    /// <param name="failed">The ids of the nodes their health checks failed: the kernel's fallback for new connections leaves them out.</param>
    void Apply(ClusterConfig config, IReadOnlyCollection<NodePlacement> retired, IReadOnlySet<int> failed);

    /// <summary>The named counters <paramref name="names"/>; with <paramref name="zero"/>, each read and zeroed in one step (ipfwadm -lz).</summary>
    IReadOnlyDictionary<string, RuleCounter> Counters(IReadOnlyCollection<string> names, bool zero);
}

