using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Clusterd.Kernel.Netlink;

/// <summary>
/// Builds netlink messages into one buffer, several per buffer when wanted (verdict batches,
/// nf_tables transactions). Lengths are filled in when a message or nest is closed; sequence
/// numbers are left 0 for the socket to give (<see cref="NetlinkSocket.Acknowledged"/>).
/// Fixed headers and fixed attribute payloads are written from their structs.
/// </summary>
public sealed class NetlinkWriter(int capacity = 4096)
{
    private byte[] _buffer = new byte[capacity];
    private int _length;
    private int _messageStart = -1;
    private readonly Stack<int> _nests = new();

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public int Length => _length;

    public void Clear()
    {
        _length = 0;
        _messageStart = -1;
        _nests.Clear();
    }

    /// <summary>Starts an nfnetlink message: nlmsghdr then nfgenmsg.</summary>
    public void Begin(ushort type, ushort flags, byte family, ushort resourceId) =>
        Begin(type, flags, new NfnetlinkHeader(family, resourceId));

    /// <summary>Starts a message whose family header is <paramref name="familyHeader"/> (e.g. rtnetlink's rtmsg).</summary>
    public void Begin<THeader>(ushort type, ushort flags, in THeader familyHeader) where THeader : unmanaged =>
        Begin(type, flags, Bytes(in familyHeader));

    /// <summary>Starts a message of any family: nlmsghdr then that family's header as bytes (tests build short or odd ones).</summary>
    public void Begin(ushort type, ushort flags, ReadOnlySpan<byte> familyHeader)
    {
        if (_messageStart >= 0) throw new InvalidOperationException("previous message not ended");
        _messageStart = _length;
        var header = new NetlinkHeader(0, type, flags, 0);
        Bytes(in header).CopyTo(Reserve(Netlink.HeaderSize));
        var family = Reserve(Netlink.Align(familyHeader.Length));
        familyHeader.CopyTo(family);
        family[familyHeader.Length..].Clear(); // the padding
    }

    public void End()
    {
        if (_nests.Count > 0) throw new InvalidOperationException("nest not ended");
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_messageStart), (uint)(_length - _messageStart));
        _messageStart = -1;
    }

    public void Attribute(ushort type, ReadOnlySpan<byte> payload)
    {
        var target = Reserve(Netlink.Align(Netlink.AttributeHeaderSize + payload.Length));
        target.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)(Netlink.AttributeHeaderSize + payload.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(target[2..], type);
        payload.CopyTo(target[Netlink.AttributeHeaderSize..]);
    }

    /// <summary>An attribute whose payload is a fixed struct of the kernel's (e.g. nfqnl_msg_verdict_hdr).</summary>
    public void Attribute<TPayload>(ushort type, in TPayload payload) where TPayload : unmanaged => Attribute(type, Bytes(in payload));

    public void BigEndian32(ushort type, uint value)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        Attribute(type, payload);
    }

    /// <summary>A 32-bit value in host order, as rtnetlink attributes carry numbers.</summary>
    public void HostOrder32(ushort type, uint value)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, value);
        Attribute(type, payload);
    }

    /// <summary>A NUL-terminated string, as nf_tables names are sent.</summary>
    public void String(ushort type, string value)
    {
        Span<byte> payload = stackalloc byte[Encoding.ASCII.GetByteCount(value) + 1];
        Encoding.ASCII.GetBytes(value, payload);
        payload[^1] = 0;
        Attribute(type, payload);
    }

    public void BeginNest(ushort type)
    {
        _nests.Push(_length);
        Attribute((ushort)(type | Netlink.NLA_F_NESTED), []);
    }

    public void EndNest()
    {
        int start = _nests.Pop();
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(_length - start));
    }

    /// <summary>Gives the messages written so far consecutive sequence numbers from <paramref name="first"/>; returns how many.</summary>
    internal int Number(uint first)
    {
        if (_messageStart >= 0) throw new InvalidOperationException("message not ended");
        int count = 0;
        for (int next = 0; next + Netlink.HeaderSize <= _length; count++)
        {
            var header = _buffer.AsSpan(next);
            BinaryPrimitives.WriteUInt32LittleEndian(header[NetlinkHeader.SequenceOffset..], first + (uint)count);
            next += Netlink.Align((int)BinaryPrimitives.ReadUInt32LittleEndian(header));
        }
        return count;
    }

    private static ReadOnlySpan<byte> Bytes<T>(in T value) where T : unmanaged =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));

    private Span<byte> Reserve(int size)
    {
        if (_length + size > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
        var span = _buffer.AsSpan(_length, size);
        _length += size;
        return span;
    }
}
