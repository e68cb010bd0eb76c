using System.Diagnostics.CodeAnalysis;

namespace ProcfsShim.Fuse;

/// <summary>
/// The nodes the kernel holds, by the node id it knows each one by, with the number of lookups it
/// has been handed for each: every reply that gives the kernel a node id (LOOKUP, and CREATE,
/// MKNOD, MKDIR, SYMLINK, LINK were they served) adds one, FORGET takes back as many as it says,
/// and a node at 0 is released. A file system's node (a path, an enum value) maps to one id while
/// the kernel holds it, so looking a name up twice gives the same inode; ids are never reused, so
/// no generation number is needed. The root is held by the mount itself and never released.
/// Thread-safe: workers answer requests concurrently.
/// </summary>
public sealed class NodeTable<TNode> where TNode : notnull
{
    public const ulong RootId = 1;

    private sealed class Entry(TNode node)
    {
        public TNode Node { get; } = node;
        public ulong Lookups { get; set; }
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, Entry> _byId = [];
    private readonly Dictionary<TNode, ulong> _byNode = [];
    private ulong _nextId = RootId + 1;

    public NodeTable(TNode root)
    {
        _byId[RootId] = new Entry(root);
        _byNode[root] = RootId;
    }

    /// <summary>Nodes held, the root included.</summary>
    public int Count
    {
        get { lock (_lock) return _byId.Count; }
    }

    public bool TryGet(ulong id, [MaybeNullWhen(false)] out TNode node)
    {
        lock (_lock)
        {
            bool found = _byId.TryGetValue(id, out var entry);
            node = found ? entry!.Node : default;
            return found;
        }
    }

    /// <summary>Counts one more lookup of <paramref name="node"/> handed to the kernel; the id to hand it with.</summary>
    public ulong Remember(TNode node)
    {
        lock (_lock)
        {
            if (!_byNode.TryGetValue(node, out ulong id))
            {
                id = _nextId++;
                _byNode[node] = id;
                _byId[id] = new Entry(node);
            }
            _byId[id].Lookups++;
            return id;
        }
    }

    /// <summary>
    /// The kernel dropped <paramref name="lookups"/> of its lookups of <paramref name="id"/>; at
    /// none left the node is released. An unknown id or too large a number (a confused or hostile
    /// sender) is taken as far as it goes, never below 0.
    /// </summary>
    public void Forget(ulong id, ulong lookups)
    {
        lock (_lock)
        {
            if (id == RootId || !_byId.TryGetValue(id, out var entry)) return;
            entry.Lookups -= Math.Min(lookups, entry.Lookups);
            if (entry.Lookups > 0) return;
            _byId.Remove(id);
            _byNode.Remove(entry.Node);
        }
    }
}
