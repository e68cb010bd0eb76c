namespace Clusterd.Core;

/// <summary>
/// How many queued packets of each <see cref="PacketKind"/> clusterd has seen since it started, and
/// how many schedulable ones it dropped because no node could take them; written by every verdict thread.
/// </summary>
public sealed class PacketCounters
{
    /// <summary>The name of the count of <see cref="NoNode"/> drops, next to the kinds' names.</summary>
    public const string NoNodeName = "droppedNoNode";

    private readonly long[] _counts = new long[Enum.GetValues<PacketKind>().Length];
    private long _noNode;

    public void Count(PacketKind kind) => Interlocked.Increment(ref _counts[(int)kind]);

    /// <summary>A packet whose rule had no node that takes new connections was dropped.</summary>
    public void DroppedNoNode() => Interlocked.Increment(ref _noNode);

    public long this[PacketKind kind] => Interlocked.Read(ref _counts[(int)kind]);

    public long NoNode => Interlocked.Read(ref _noNode);

    /// <summary>Every kind's count by its JSON name, in the enumeration's order, then the no-node drops.</summary>
    public List<(string Name, long Count)> Snapshot() =>
        [.. Enum.GetValues<PacketKind>().Select(kind => (kind.JsonName(), this[kind])), (NoNodeName, NoNode)];
}
