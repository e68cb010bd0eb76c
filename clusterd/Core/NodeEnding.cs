namespace Clusterd.Core;

/// <summary>
/// An order to end connections of node <see cref="NodeId"/> by deleting their conntrack entries:
/// only its UDP flows (<see cref="UdpOnly"/>), which have no end of their own, so a client of a
/// drained, failed or deleted node is scheduled anew at its next datagram; or every one, when a
/// drain's timeout has passed. <see cref="Why"/> is for the log line.
/// </summary>
public readonly record struct NodeEnding(int NodeId, bool UdpOnly, string Why)
{
    /// <summary>
    /// Deletes the entries <paramref name="endings"/> name from <paramref name="conntrack"/>, and
    /// any entry of their reverse tuples; returns the flows ended.
    /// </summary>
    /// <remarks>
    /// A route node's answer still on its way when its flow's entry goes starts an entry of its
    /// own, the flow reversed, which would take the client's next datagrams as replies and hand
    /// them to the front-end itself: hence the reverse tuples, deleted now and once more by the
    /// caller a little later (<see cref="Reversed"/>).
    /// </remarks>
    /// <exception cref="KernelRefusedException">Conntrack could not be read or changed.</exception>
    public static IReadOnlyList<Flow> Apply(IConntrack conntrack, IReadOnlyList<NodeEnding> endings)
    {
        if (endings.Count == 0) return [];
        var flows = conntrack.Clustered()
            .Where(c => endings.Any(e => e.NodeId == c.NodeId && (!e.UdpOnly || c.Flow.Protocol == Flow.Udp)))
            .Select(c => c.Flow)
            .ToList();
        int ended = flows.Count == 0 ? 0 : conntrack.Delete(flows);
        if (flows.Count > 0) conntrack.Delete(Reversed(flows));
        foreach (var ending in endings)
            Log.Info($"{ending.Why}: ended its {(ending.UdpOnly ? "UDP flows" : "connections")} ({ended} conntrack entries deleted in all)");
        return flows;
    }

    /// <summary>The flows with source and destination swapped: the tuples an answer arriving after their entries went would start.</summary>
    public static List<Flow> Reversed(IEnumerable<Flow> flows) =>
        [.. flows.Select(f => new Flow(f.Protocol, f.Destination, f.DestinationPort, f.Source, f.SourcePort))];
}
