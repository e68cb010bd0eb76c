namespace Clusterd.Core;

/// <summary>How many queued packets of each <see cref="PacketKind"/> clusterd has seen since it started; written by every verdict thread.</summary>
public sealed class PacketCounters
{
    private readonly long[] _counts = new long[Enum.GetValues<PacketKind>().Length];

    public void Count(PacketKind kind) => Interlocked.Increment(ref _counts[(int)kind]);

    public long this[PacketKind kind] => Interlocked.Read(ref _counts[(int)kind]);

    /// <summary>Every kind with its count, in the enumeration's order.</summary>
    public List<(PacketKind Kind, long Count)> Snapshot() => [.. Enum.GetValues<PacketKind>().Select(kind => (kind, this[kind]))];
}
