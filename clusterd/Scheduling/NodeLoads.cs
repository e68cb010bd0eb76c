namespace Clusterd.Scheduling;

/// <summary>Active connections per node, by node mark. Not thread-safe: the owner serialises access.</summary>
public sealed class NodeLoads
{
    private readonly Dictionary<int, int> _connections = [];

    public int this[int mark] => _connections.GetValueOrDefault(mark);

    public void Increment(int mark) => _connections[mark] = this[mark] + 1;

    /// <summary>Counts one connection gone; never below zero, as an end may be heard twice (dump, then event).</summary>
    public void Decrement(int mark)
    {
        int count = this[mark];
        if (count <= 1) _connections.Remove(mark);
        else _connections[mark] = count - 1;
    }

    public void Clear() => _connections.Clear();

    /// <summary>Marks that still carry connections.</summary>
    public IEnumerable<int> BusyMarks => _connections.Keys;
}
