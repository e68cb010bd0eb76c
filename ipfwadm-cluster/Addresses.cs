using ClusterControl;

namespace Ipfwadm;

/// <summary>ipfwadm's address and mask words (docs/ipfwadm-spec.md §1.7).</summary>
public static class Addresses
{
    /// <summary>Four decimal fields 0..255 read with strtol, so "010.1.1.1" is 10.1.1.1.</summary>
    public static bool TryDottedQuad(string text, out Ipv4Address address)
    {
        address = default;
        var fields = text.Split('.');
        if (fields.Length != 4) return false;
        uint value = 0;
        foreach (string field in fields)
        {
            if (!CNumbers.TryStrtol(field, 10, out long octet) || octet is < 0 or > 255) return false;
            value = value << 8 | (uint)octet;
        }
        address = new Ipv4Address(value);
        return true;
    }

    /// <summary>
    /// "host[/mask]": the mask first (dotted, or 0..32 bits), then the host — a dotted quad, a
    /// network name, or a host name that may give several addresses. Each address is masked;
    /// duplicates made by masking are dropped.
    /// </summary>
    public static (List<Ipv4Address> Addresses, Ipv4Address Mask) Parse(string word, string program)
    {
        string text = word.Length > 255 ? word[..255] : word;
        int slash = text.LastIndexOf('/');
        string host = slash >= 0 ? text[..slash] : text;
        var mask = slash >= 0 ? Mask(text[(slash + 1)..], program) : new Ipv4Address(uint.MaxValue);
        if (mask.Value == 0) return ([default], mask);
        List<Ipv4Address> addresses;
        if (TryDottedQuad(host, out var quad)) addresses = [quad];
        else if (NameDatabase.Network(host) is { } network) addresses = [network];
        else
        {
            addresses = NameDatabase.HostAddresses(host);
            if (addresses.Count == 0) throw IpfwadmExit.Error(program, $"host/network \"{host}\" not found");
        }
        return (addresses.Select(a => new Ipv4Address(a.Value & mask.Value)).Distinct().ToList(), mask);
    }

    private static Ipv4Address Mask(string text, string program)
    {
        if (TryDottedQuad(text, out var dotted)) return dotted;
        if (CNumbers.TryStrtol(text, 10, out long bits) && bits is >= 0 and <= 32)
            return new Ipv4Address(bits == 0 ? 0 : uint.MaxValue << (int)(32 - bits));
        throw IpfwadmExit.Error(program, $"invalid mask \"{text}\" specified");
    }
}
