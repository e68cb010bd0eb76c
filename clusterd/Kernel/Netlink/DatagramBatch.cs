namespace Clusterd.Kernel.Netlink;

/// <summary>
/// Room for a burst of datagrams taken in one recvmmsg (<see cref="NetlinkSocket.ReceiveMany"/>):
/// one block cut into equal slots, so that a receive pins one array, and allocates nothing,
/// however many datagrams it takes. The queue and conntrack's events deliver every packet or event
/// as a datagram of its own, so these calls run tens of thousands of times a second under a flood.
/// </summary>
public sealed class DatagramBatch(int slots, int slotSize)
{
    private readonly byte[] _block = new byte[slots * slotSize];
    private readonly int[] _lengths = new int[slots];

    public int Slots => slots;

    public int SlotSize => slotSize;

    /// <summary>How many datagrams the last receive took.</summary>
    public int Count { get; internal set; }

    /// <summary>The <paramref name="index"/>th datagram of the last receive.</summary>
    public ReadOnlySpan<byte> this[int index] => _block.AsSpan(index * slotSize, _lengths[index]);

    /// <summary>The whole block, for the receive to point the kernel into.</summary>
    internal byte[] Block => _block;

    /// <summary>The receive put a datagram of <paramref name="length"/> bytes into slot <paramref name="index"/>.</summary>
    internal void SetLength(int index, int length) => _lengths[index] = length;
}
