using System.Buffers.Binary;
using System.Text;

namespace Clusterd.Kernel.Netlink;

/// <summary>
/// Builds nfnetlink messages into one buffer, several per buffer when wanted (verdict batches,
/// nf_tables transactions). Lengths are filled in when a message or nest is closed.
/// </summary>
public sealed class NetlinkWriter(int capacity = 4096)
{
    private byte[] _buffer = new byte[capacity];
    private int _length;
    private int _messageStart = -1;
    private readonly Stack<int> _nests = new();
    private uint _sequence;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public int Length => _length;

    public void Clear()
    {
        _length = 0;
        _messageStart = -1;
        _nests.Clear();
    }

    /// <summary>Starts an nfnetlink message: nlmsghdr then nfgenmsg. Returns its sequence number.</summary>
    public uint Begin(ushort type, ushort flags, byte family, ushort resourceId)
    {
        Span<byte> nfgenmsg = [family, Netlink.NFNETLINK_V0, 0, 0];
        BinaryPrimitives.WriteUInt16BigEndian(nfgenmsg[2..], resourceId);
        return Begin(type, flags, nfgenmsg);
    }

    /// <summary>Starts a message of any family: nlmsghdr then that family's header. Returns its sequence number.</summary>
    public uint Begin(ushort type, ushort flags, ReadOnlySpan<byte> familyHeader)
    {
        if (_messageStart >= 0) throw new InvalidOperationException("previous message not ended");
        _messageStart = _length;
        var header = Reserve(Netlink.HeaderSize);
        uint sequence = ++_sequence;
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        familyHeader.CopyTo(Reserve(Netlink.Align(familyHeader.Length)));
        return sequence;
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

    private Span<byte> Reserve(int size)
    {
        if (_length + size > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
        var span = _buffer.AsSpan(_length, size);
        _length += size;
        return span;
    }
}
