namespace Clusterd.Core;

/// <summary>
/// The TCP flows whose conntrack entries clusterd deleted itself (a drain's timeout), remembered
/// until their next packet: that packet comes in mid-stream, and unlike one of a connection begun
/// through another front-end it should be scheduled, so that a node which never held the
/// connection answers it with the reset that ends it for the client. Only the last
/// <see cref="Capacity"/> endings are remembered, so memory stays bounded however many come and go
/// (a client of an older one waits for its own timeout). Not thread-safe: the owner serialises access.
/// </summary>
public sealed class EndedHere
{
    public const int Capacity = 65_536;

    private readonly HashSet<Flow> _flows = [];
    /// <summary>The endings in order, those already taken included: the oldest goes when a new one comes past the capacity.</summary>
    private readonly Queue<Flow> _order = new();

    public int Count => _flows.Count;

    public void Add(IEnumerable<Flow> ended)
    {
        foreach (var flow in ended)
        {
            if (flow.Protocol != Flow.Tcp || !_flows.Add(flow)) continue;
            _order.Enqueue(flow);
            if (_order.Count > Capacity) _flows.Remove(_order.Dequeue());
        }
    }

    /// <summary>Whether <paramref name="flow"/> is one of them; it is forgotten either way, its next packet having come.</summary>
    public bool Take(Flow flow) => _flows.Count > 0 && _flows.Remove(flow);
}
