using ClusterControl;

namespace Clusterd.Core;

/// <summary>
/// Which node each client of a sticky pool used last (clconfig -sticky), by pool and client
/// address under the pool's mask. An entry lasts the pool's seconds after the client's last new
/// connection. At most <see cref="Persistence.MaxClients"/> entries: when full, expired ones are
/// dropped (at most once a second), and if none is, a new client is not remembered. Not thread-safe: the owner serialises access.
/// </summary>
public sealed class StickyClients
{
    private readonly Dictionary<(string Pool, uint Client), (int NodeId, long UntilMs)> _entries = [];
    /// <summary>When a full table was last swept: at most once a second, so a flood of new clients does not scan it per connection.</summary>
    private long? _sweptAtMs;

    public int Count => _entries.Count;

    /// <summary>The node <paramref name="client"/> used last in <paramref name="pool"/>, if its entry has not expired by <paramref name="nowMs"/>.</summary>
    public int? NodeOf(string pool, Persistence sticky, Ipv4Address client, long nowMs) =>
        _entries.TryGetValue(Key(pool, sticky, client), out var entry) && entry.UntilMs > nowMs ? entry.NodeId : null;

    /// <summary>Remembers that <paramref name="client"/> was given <paramref name="nodeId"/> at <paramref name="nowMs"/>.</summary>
    public void Remember(string pool, Persistence sticky, Ipv4Address client, int nodeId, long nowMs)
    {
        var key = Key(pool, sticky, client);
        if (!_entries.ContainsKey(key) && _entries.Count >= Persistence.MaxClients)
        {
            if (nowMs - _sweptAtMs < 1000) return; // null: never swept
            _sweptAtMs = nowMs;
            foreach (var expired in _entries.Where(e => e.Value.UntilMs <= nowMs).Select(e => e.Key).ToList()) _entries.Remove(expired);
            if (_entries.Count >= Persistence.MaxClients) return;
        }
        _entries[key] = (nodeId, nowMs + sticky.Seconds * 1000L);
    }

    /// <summary>Forgets the clients of pools no longer sticky (or gone): a pool made sticky again starts afresh.</summary>
    public void KeepOnly(IReadOnlySet<string> stickyPools)
    {
        foreach (var key in _entries.Keys.Where(k => !stickyPools.Contains(k.Pool)).ToList()) _entries.Remove(key);
    }

    private static (string, uint) Key(string pool, Persistence sticky, Ipv4Address client) => (pool, client.Value & sticky.Mask.Value);
}
