using ClusterControl;

namespace Clusterd.Scheduling;

/// <summary>
/// Hashes that must come out the same in every clusterd, on every architecture, in every run:
/// integer arithmetic only, fixed seeds, nothing from <see cref="object.GetHashCode"/> (which .NET
/// randomises per process). Two front-ends that share nothing agree on a flow's node through them.
/// </summary>
public static class FlowHash
{
    private const ulong FlowSeed = 0x9e3779b97f4a7c15;

    /// <summary>The hash of a connection's 5-tuple in its original direction.</summary>
    public static ulong Of(byte protocol, Ipv4Address source, ushort sourcePort, Ipv4Address destination, ushort destinationPort)
    {
        ulong addresses = (ulong)source.Value << 32 | destination.Value;
        ulong rest = (ulong)protocol << 32 | (ulong)sourcePort << 16 | destinationPort;
        return Mix(Mix(addresses ^ FlowSeed) ^ rest);
    }

    /// <summary>The hash of a node's address under <paramref name="seed"/>: the key of its place in a Maglev table.</summary>
    public static ulong OfNode(Ipv4Address node, ulong seed) => Mix(node.Value ^ seed);

    /// <summary>MurmurHash3's 64-bit finaliser: every input bit reaches every output bit.</summary>
    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccd;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53;
        x ^= x >> 33;
        return x;
    }
}
