using System.Buffers.Binary;

namespace Clusterd.Kernel.Netlink;

/// <summary>
/// Big-endian fields of the kernel's fixed headers, held in structs as they lie on the wire and
/// turned into numbers on access (the same operation both ways).
/// </summary>
internal static class NetworkOrder
{
    public static ushort Swap(ushort value) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;

    public static uint Swap(uint value) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;

    public static long Swap(long value) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;
}
