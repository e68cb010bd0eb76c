using ClusterControl;

namespace Ipfwadm;

/// <summary>
/// A numeric host name read as the C library's inet_aton reads it, which is what 2.3.0 got from
/// gethostbyname for a word that was not its own four-decimal dotted quad: "a" (32 bits),
/// "a.b" (8.24), "a.b.c" (8.8.16) or "a.b.c.d"; each part decimal, octal after a leading 0, or
/// hexadecimal after 0x. So "224.0" is 224.0.0.0, "127.1" 127.0.0.1 and "0x7f.1" 127.0.0.1.
/// </summary>
public static class InetAton
{
    public static bool TryParse(string text, out Ipv4Address address)
    {
        address = default;
        var parts = new List<ulong>(4);
        int i = 0;
        while (true)
        {
            if (!TryPart(text, ref i, out ulong part)) return false;
            parts.Add(part);
            if (i == text.Length) break;
            if (text[i] != '.' || parts.Count == 4) return false;
            i++;
        }
        // Every part but the last is one byte; the last fills the bits that remain.
        int leading = parts.Count - 1;
        if (parts.Take(leading).Any(p => p > 0xff) || parts[leading] > uint.MaxValue >> (8 * leading)) return false;
        uint value = 0;
        for (int p = 0; p < leading; p++) value |= (uint)parts[p] << (24 - 8 * p);
        address = new Ipv4Address(value | (uint)parts[leading]);
        return true;
    }

    /// <summary>One part: it must start with a digit; "0x" alone is 0, as in the C library.</summary>
    private static bool TryPart(string text, ref int i, out ulong value)
    {
        value = 0;
        if (i == text.Length || !char.IsAsciiDigit(text[i])) return false;
        int numberBase = 10;
        if (text[i] == '0')
        {
            i++;
            numberBase = 8;
            if (i < text.Length && text[i] is 'x' or 'X') { numberBase = 16; i++; }
        }
        for (; i < text.Length; i++)
        {
            int digit = text[i] switch
            {
                >= '0' and <= '9' => text[i] - '0',
                >= 'a' and <= 'f' when numberBase == 16 => text[i] - 'a' + 10,
                >= 'A' and <= 'F' when numberBase == 16 => text[i] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0) break;
            if (digit >= numberBase) return false;
            value = value * (ulong)numberBase + (ulong)digit;
            if (value > uint.MaxValue) return false;
        }
        return true;
    }
}
