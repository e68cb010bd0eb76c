using Clusterd.Kernel.Queue;
using Clusterd.Scheduling;

namespace Clusterd.Tracking;

/// <summary>
/// The clustered connections that count as load: added when a verdict sends a new connection to a
/// node, removed when conntrack reports it closing or gone. The per-node counts in
/// <see cref="Loads"/> are exactly the connections held here. Not thread-safe: the owner serialises.
/// </summary>
/// <remarks>
/// Connections are also kept in arrival order in an append-only log, so the status file lists them
/// oldest first without sorting. An ended connection leaves a stale log slot (its sequence number no
/// longer matches the table's); the log is compacted when stale slots outnumber live ones.
/// </remarks>
public sealed class ConnectionTable
{
    private readonly Dictionary<Flow, Tracked> _flows = [];
    private readonly List<(Flow Flow, long Sequence)> _arrivals = [];
    private long _sequence;

    public NodeLoads Loads { get; } = new();

    public int Count => _flows.Count;

    /// <summary>A connection sent to the node with <paramref name="nodeMark"/>. A flow already held is not counted twice.</summary>
    public bool Add(Flow flow, int nodeMark)
    {
        long sequence = _sequence + 1;
        if (!_flows.TryAdd(flow, new Tracked(nodeMark, sequence))) return false;
        _sequence = sequence;
        _arrivals.Add((flow, sequence));
        Loads.Increment(nodeMark);
        return true;
    }

    /// <summary>The connection ended (or started closing); returns its node mark, or null when it was not held.</summary>
    public int? End(Flow flow)
    {
        if (!_flows.Remove(flow, out var tracked)) return null;
        Loads.Decrement(tracked.NodeMark);
        if (_arrivals.Count > 1024 && _arrivals.Count > 2 * _flows.Count) Compact();
        return tracked.NodeMark;
    }

    /// <summary>Replaces everything with the connections a conntrack dump found.</summary>
    public void Reset(IReadOnlyCollection<(Flow Flow, int NodeMark)> live)
    {
        _flows.Clear();
        _arrivals.Clear();
        Loads.Clear();
        _flows.EnsureCapacity(live.Count);
        _arrivals.EnsureCapacity(live.Count);
        foreach (var (flow, mark) in live) Add(flow, mark);
    }

    /// <summary>A copy of the held connections and their node marks, oldest first, for the status file.</summary>
    public List<(Flow Flow, int NodeMark)> OldestFirst()
    {
        var held = new List<(Flow, int)>(_flows.Count);
        foreach (var (flow, sequence) in _arrivals)
            if (_flows.TryGetValue(flow, out var tracked) && tracked.Sequence == sequence) held.Add((flow, tracked.NodeMark));
        return held;
    }

    private void Compact() =>
        _arrivals.RemoveAll(arrival => !_flows.TryGetValue(arrival.Flow, out var tracked) || tracked.Sequence != arrival.Sequence);

    private readonly record struct Tracked(int NodeMark, long Sequence);
}
