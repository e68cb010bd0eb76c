using Clusterd.Kernel.Queue;
using Clusterd.Scheduling;

namespace Clusterd.Tracking;

/// <summary>
/// The clustered connections that count as load: added when a verdict sends a new connection to a
/// node, removed when conntrack reports it closing or gone. The per-node counts in
/// <see cref="Loads"/> are exactly the connections held here. Not thread-safe: the owner serialises.
/// </summary>
public sealed class ConnectionTable
{
    private readonly Dictionary<Flow, Tracked> _flows = [];
    private long _sequence;

    public NodeLoads Loads { get; } = new();

    public int Count => _flows.Count;

    /// <summary>A connection sent to the node with <paramref name="nodeMark"/>. A flow already held is not counted twice.</summary>
    public bool Add(Flow flow, int nodeMark)
    {
        if (!_flows.TryAdd(flow, new Tracked(nodeMark, ++_sequence))) return false;
        Loads.Increment(nodeMark);
        return true;
    }

    /// <summary>The connection ended (or started closing); returns its node mark, or null when it was not held.</summary>
    public int? End(Flow flow)
    {
        if (!_flows.Remove(flow, out var tracked)) return null;
        Loads.Decrement(tracked.NodeMark);
        return tracked.NodeMark;
    }

    /// <summary>Replaces everything with the connections a conntrack dump found.</summary>
    public void Reset(IEnumerable<(Flow Flow, int NodeMark)> live)
    {
        _flows.Clear();
        Loads.Clear();
        foreach (var (flow, mark) in live) Add(flow, mark);
    }

    /// <summary>A copy of the held connections, oldest first, for the status file.</summary>
    public List<KeyValuePair<Flow, int>> OldestFirst() =>
        _flows.OrderBy(pair => pair.Value.Sequence)
            .Select(pair => new KeyValuePair<Flow, int>(pair.Key, pair.Value.NodeMark))
            .ToList();

    /// <summary>16 bytes of value per connection keeps the table near 50 bytes a connection.</summary>
    private readonly record struct Tracked(int NodeMark, long Sequence);
}
