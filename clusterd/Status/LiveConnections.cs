using Clusterd.Core;

namespace Clusterd.Status;

/// <summary>
/// The status file's connection table: the connections clusterd counts, oldest first, with the
/// time conntrack still gives each (read from one conntrack dump of the clustered connections).
/// </summary>
public sealed class LiveConnections(ClusterService service, IConntrack conntrack)
{
    /// <summary>
    /// Reads both tables now, so that a conntrack failure (<see cref="KernelRefusedException"/>) refuses
    /// the request before its answer is sent; the rows are made as the body is written.
    /// </summary>
    public IEnumerable<ConnectionRow> Snapshot()
    {
        var held = service.Connections();
        var timeouts = new Dictionary<Flow, uint>(held.Count);
        foreach (var tracked in conntrack.Clustered()) timeouts[tracked.Flow] = tracked.TimeoutSeconds;
        return Rows(held, timeouts);
    }

    private static IEnumerable<ConnectionRow> Rows(List<(Flow Flow, NodePlacement Node)> held, Dictionary<Flow, uint> timeouts)
    {
        foreach (var (flow, placement) in held)
        {
            if (!timeouts.TryGetValue(flow, out uint seconds)) continue; // ended since the copy was taken
            yield return new ConnectionRow(flow.Protocol, placement.Pool, flow.Source, flow.SourcePort,
                flow.Destination, flow.DestinationPort, placement.Node.Address, seconds);
        }
    }
}
