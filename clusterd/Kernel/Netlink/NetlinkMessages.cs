using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Clusterd.Kernel.Netlink;

/// <summary>The messages of one received datagram, walked without copying.</summary>
public readonly ref struct NetlinkMessages(ReadOnlySpan<byte> datagram)
{
    private readonly ReadOnlySpan<byte> _datagram = datagram;

    public Enumerator GetEnumerator() => new(_datagram);

    public ref struct Enumerator(ReadOnlySpan<byte> datagram)
    {
        private readonly ReadOnlySpan<byte> _datagram = datagram;
        private int _next;

        public NetlinkMessage Current { get; private set; }

        public bool MoveNext()
        {
            if (_next + Netlink.HeaderSize > _datagram.Length) return false;
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(_datagram[_next..]);
            if (length < Netlink.HeaderSize || _next + length > _datagram.Length) return false; // truncated: stop, never throw
            Current = new NetlinkMessage(_datagram.Slice(_next, length));
            _next += Netlink.Align(length);
            return true;
        }
    }
}

/// <summary>One netlink message: the header fields, and for nfnetlink messages the attributes after nfgenmsg.</summary>
public readonly ref struct NetlinkMessage(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;

    /// <summary>The enumerator hands out only messages at least a header long.</summary>
    public NetlinkHeader Header => MemoryMarshal.Read<NetlinkHeader>(_bytes);

    public ushort Type => Header.Type;
    public ushort Flags => Header.Flags;
    public uint Sequence => Header.Sequence;

    /// <summary>For NLMSG_ERROR: 0 for an acknowledgement, else a negative errno (-1 when the message is too short to say).</summary>
    public int ErrorCode => _bytes.Length >= Netlink.HeaderSize + sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(_bytes[Netlink.HeaderSize..]) : -1;

    /// <summary>Reads the family header after nlmsghdr (e.g. rtnetlink's ifaddrmsg); false when the message is shorter.</summary>
    public bool TryFamilyHeader<THeader>(out THeader header) where THeader : unmanaged =>
        MemoryMarshal.TryRead(_bytes[Netlink.HeaderSize..], out header);

    /// <summary>The attributes of an nfnetlink message (after nlmsghdr and nfgenmsg).</summary>
    public NetlinkAttributes Attributes => AttributesAfter<NfnetlinkHeader>();

    /// <summary>The attributes after the family header <typeparamref name="THeader"/>.</summary>
    public unsafe NetlinkAttributes AttributesAfter<THeader>() where THeader : unmanaged => AttributesAfter(sizeof(THeader));

    private NetlinkAttributes AttributesAfter(int familyHeaderSize)
    {
        int start = Netlink.HeaderSize + Netlink.Align(familyHeaderSize);
        return new(_bytes.Length >= start ? _bytes[start..] : []);
    }
}

/// <summary>A run of netlink attributes, walked without copying; malformed lengths end the walk.</summary>
public readonly ref struct NetlinkAttributes(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;

    public Enumerator GetEnumerator() => new(_bytes);

    public ref struct Enumerator(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _next;

        public NetlinkAttribute Current { get; private set; }

        public bool MoveNext()
        {
            if (_next + Netlink.AttributeHeaderSize > _bytes.Length) return false;
            int length = BinaryPrimitives.ReadUInt16LittleEndian(_bytes[_next..]);
            if (length < Netlink.AttributeHeaderSize || _next + length > _bytes.Length) return false;
            ushort type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_bytes[(_next + 2)..]) & Netlink.NLA_TYPE_MASK);
            Current = new NetlinkAttribute(type, _bytes.Slice(_next + Netlink.AttributeHeaderSize, length - Netlink.AttributeHeaderSize));
            _next += Netlink.Align(length);
            return true;
        }
    }
}

/// <summary>One attribute: its type (flags masked off) and payload. Readers check the size before reading.</summary>
public readonly ref struct NetlinkAttribute(ushort type, ReadOnlySpan<byte> payload)
{
    public ushort Type { get; } = type;
    public ReadOnlySpan<byte> Payload { get; } = payload;

    public NetlinkAttributes Nested => new(Payload);

    /// <summary>Reads a payload that is a fixed struct of the kernel's; false when it is shorter.</summary>
    public bool TryRead<TPayload>(out TPayload value) where TPayload : unmanaged => MemoryMarshal.TryRead(Payload, out value);

    public bool TryBigEndian32(out uint value)
    {
        bool ok = Payload.Length >= 4;
        value = ok ? BinaryPrimitives.ReadUInt32BigEndian(Payload) : 0;
        return ok;
    }

    public bool TryBigEndian16(out ushort value)
    {
        bool ok = Payload.Length >= 2;
        value = ok ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : (ushort)0;
        return ok;
    }

    public bool TryByte(out byte value)
    {
        bool ok = Payload.Length >= 1;
        value = ok ? Payload[0] : (byte)0;
        return ok;
    }
}
