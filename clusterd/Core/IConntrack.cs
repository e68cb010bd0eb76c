using ClusterControl.Firewall;

namespace Clusterd.Core;

/// <summary>What clusterd reads of the kernel's connection tracking table.</summary>
/// <remarks>Each call is one dump of the table, or lookups of named entries; <see cref="KernelRefusedException"/> when the kernel cannot be read.</remarks>
public interface IConntrack
{
    /// <summary>Hands each connection conntrack holds on a node (its conntrack mark names one), closing or not, to <paramref name="visit"/> as the dump reads it: a large table is never held whole.</summary>
    void VisitClustered(Action<TrackedConnection> visit);

    /// <summary>
    /// Looks up the entry of each of <paramref name="flows"/> (all <see cref="Flow.HasPorts"/>) and hands
    /// those conntrack holds on a node, closing or not, to <paramref name="visit"/>: a lookup costs
    /// the same however large the table, a dump a walk of all of it.
    /// </summary>
    void LookUpClustered(IEnumerable<Flow> flows, Action<TrackedConnection> visit);

    /// <summary>The connections conntrack holds on a node, closing or not, in one list.</summary>
    IReadOnlyList<TrackedConnection> Clustered()
    {
        var clustered = new List<TrackedConnection>();
        VisitClustered(clustered.Add);
        return clustered;
    }

    /// <summary>The TCP and UDP connections the kernel masquerades now (ipfwadm -M -l).</summary>
    IReadOnlyList<MasqueradeEntry> Masqueraded();

    /// <summary>Deletes the entries of <paramref name="flows"/> (by original tuple); how many there were. An entry already gone is no error.</summary>
    int Delete(IReadOnlyCollection<Flow> flows);
}

/// <summary>A clustered connection as conntrack holds it: its flow, its node, whether it is closing and how long it has left.</summary>
public readonly record struct TrackedConnection(Flow Flow, int NodeId, bool IsClosing, uint TimeoutSeconds)
{
    /// <summary>A TCP connection whose handshake has not completed (it may be a spoofed SYN's).</summary>
    public bool IsOpening { get; init; }
}
