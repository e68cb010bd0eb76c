namespace Clusterd.Scheduling;

/// <summary>Active connections per node, by node id. Not thread-safe: the owner serialises access.</summary>
public sealed class NodeLoads
{
    private readonly Dictionary<int, int> _connections = [];

    public int this[int id] => _connections.GetValueOrDefault(id);

    public void Increment(int id) => _connections[id] = this[id] + 1;

    /// <summary>Counts one connection gone; never below zero, as an end may be heard twice (dump, then event).</summary>
    public void Decrement(int id)
    {
        int count = this[id];
        if (count <= 1) _connections.Remove(id);
        else _connections[id] = count - 1;
    }

    public void Clear() => _connections.Clear();

    /// <summary>The ids of the nodes that still carry connections.</summary>
    public IEnumerable<int> BusyNodes => _connections.Keys;
}
