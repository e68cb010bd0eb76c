using Clusterd.State;

namespace Clusterd.Scheduling;

/// <summary>
/// The lookup table of Maglev (Eisenbud et al., NSDI 2016): <see cref="Size"/> slots, each naming a
/// node. Every node walks its own permutation of the slots (start and step from two hashes of its
/// address) and the nodes take turns claiming the next free slot of theirs, so each holds an almost
/// equal share, and removing a node hands its slots to others while most other slots stay put.
/// Immutable once built; a flow's node is the slot its hash falls in.
/// </summary>
public sealed class MaglevTable
{
    /// <summary>A prime, so every step walks all slots; large against any pool, so shares differ by under 0.1 %.</summary>
    public const int Size = 65537;

    private const ulong OffsetSeed = 0x6a09e667f3bcc908, SkipSeed = 0xbb67ae8584caa73b;

    private readonly NodeConfig[] _nodes;
    private readonly int[] _slots;

    private MaglevTable(NodeConfig[] nodes, int[] slots)
    {
        _nodes = nodes;
        _slots = slots;
    }

    public static MaglevTable Empty { get; } = new([], []);

    /// <summary>
    /// Builds the table over <paramref name="nodes"/>, sorted by address first: the table depends on
    /// the set of addresses only, not on the order in which a front-end's nodes were added or on their ids.
    /// </summary>
    public static MaglevTable Build(IEnumerable<NodeConfig> nodes)
    {
        var sorted = nodes.OrderBy(n => n.Address).ToArray();
        if (sorted.Length == 0) return Empty;
        var position = new int[sorted.Length];
        var skip = new int[sorted.Length];
        for (int i = 0; i < sorted.Length; i++)
        {
            position[i] = (int)(FlowHash.OfNode(sorted[i].Address, OffsetSeed) % Size);
            skip[i] = (int)(FlowHash.OfNode(sorted[i].Address, SkipSeed) % (Size - 1)) + 1;
        }
        var slots = new int[Size];
        Array.Fill(slots, -1);
        int filled = 0;
        while (true)
        {
            for (int i = 0; i < sorted.Length; i++)
            {
                int slot = position[i];
                while (slots[slot] >= 0) slot = (slot + skip[i]) % Size;
                slots[slot] = i;
                position[i] = (slot + skip[i]) % Size;
                if (++filled == Size) return new MaglevTable(sorted, slots);
            }
        }
    }

    /// <summary>The nodes in the table, by address.</summary>
    public IReadOnlyList<NodeConfig> Nodes => _nodes;

    /// <summary>The node of the flow with hash <paramref name="flowHash"/>; null for an empty table.</summary>
    public NodeConfig? Lookup(ulong flowHash) => _nodes.Length == 0 ? null : _nodes[_slots[flowHash % Size]];
}
