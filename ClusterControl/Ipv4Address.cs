using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace ClusterControl;

/// <summary>An IPv4 address held as a host-order number, parsed strictly as a dotted quad.</summary>
/// <remarks>
/// <see cref="System.Net.IPAddress.TryParse(string, out System.Net.IPAddress?)"/> accepts
/// "10.1" or "0x0a.0.0.1"; the command line languages here name nodes only by four decimal
/// octets, so a word like "10.0.0.300" or "10.0.0" must be refused, not reinterpreted.
/// </remarks>
public readonly record struct Ipv4Address(uint Value) : IComparable<Ipv4Address>, ISpanFormattable
{
    public static bool TryParse([NotNullWhen(true)] string? text, out Ipv4Address address)
    {
        address = default;
        if (text is null) return false;
        uint value = 0;
        int octets = 0, digits = 0, octet = 0;
        foreach (char c in text)
        {
            if (c == '.')
            {
                if (digits == 0 || ++octets > 3) return false;
                value = value << 8 | (uint)octet;
                digits = octet = 0;
            }
            else if (c is >= '0' and <= '9' && digits < 3)
            {
                octet = octet * 10 + (c - '0');
                if (octet > 255) return false;
                digits++;
            }
            else return false;
        }
        if (octets != 3 || digits == 0) return false;
        address = new Ipv4Address(value << 8 | (uint)octet);
        return true;
    }

    public static Ipv4Address Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"bad address '{text}'");

    /// <summary>Reads an address stored in network byte order, as in an IP header.</summary>
    public static Ipv4Address ReadNetworkOrder(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(bytes));

    public void WriteNetworkOrder(Span<byte> bytes) => BinaryPrimitives.WriteUInt32BigEndian(bytes, Value);

    public int CompareTo(Ipv4Address other) => Value.CompareTo(other.Value);

    public static bool operator <(Ipv4Address left, Ipv4Address right) => left.Value < right.Value;
    public static bool operator <=(Ipv4Address left, Ipv4Address right) => left.Value <= right.Value;
    public static bool operator >(Ipv4Address left, Ipv4Address right) => left.Value > right.Value;
    public static bool operator >=(Ipv4Address left, Ipv4Address right) => left.Value >= right.Value;

    public override string ToString() =>
        $"{Value >> 24}.{(Value >> 16) & 0xff}.{(Value >> 8) & 0xff}.{Value & 0xff}";

    /// <summary>Formats without allocating, for the status stream.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null) =>
        destination.TryWrite($"{Value >> 24}.{(Value >> 16) & 0xff}.{(Value >> 8) & 0xff}.{Value & 0xff}", out charsWritten);

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();
}
