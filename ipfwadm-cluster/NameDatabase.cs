using ClusterControl;

namespace Ipfwadm;

/// <summary>
/// The name look-ups ipfwadm makes — host, network and service names — answered from the local
/// files (/etc/hosts, /etc/networks, /etc/services), as a host with "files" in nsswitch does. A
/// front-end's firewall script must not wait on DNS, and listings must not hang when it is down.
/// </summary>
public static class NameDatabase
{
    private static readonly Lazy<List<(Ipv4Address Address, string[] Names)>> Hosts = new(() =>
        Entries("/etc/hosts").Select(words => Ipv4Address.TryParse(words[0], out var a) ? (a, words[1..]) : (default, []))
            .Where(e => e.Item2.Length > 0).ToList());

    private static readonly Lazy<List<(Ipv4Address Address, string[] Names)>> Networks = new(() =>
        Entries("/etc/networks").Where(w => w.Length >= 2)
            .Select(words => (NetworkNumber(words[1]), (string[])[words[0], .. words[2..]]))
            .Where(e => e.Item1 is not null).Select(e => (e.Item1!.Value, e.Item2)).ToList());

    private static readonly Lazy<List<(string Name, ushort Port, string Protocol, string[] Aliases)>> Services = new(() =>
        Entries("/etc/services").Where(w => w.Length >= 2 && w[1].Contains('/'))
            .Select(w => (w[0], ushort.TryParse(w[1].Split('/')[0], out ushort p) ? p : (ushort)0, w[1].Split('/')[1], w[2..]))
            .ToList());

    /// <summary>
    /// gethostbyname: a numeric name is read as inet_aton reads it (the C library answers those
    /// without a look-up), any other gets every address /etc/hosts gives it.
    /// </summary>
    public static List<Ipv4Address> HostAddresses(string name) =>
        InetAton.TryParse(name, out var numeric)
            ? [numeric]
            : Hosts.Value.Where(h => h.Names.Contains(name)).Select(h => h.Address).Distinct().ToList();

    /// <summary>getnetbyname.</summary>
    public static Ipv4Address? Network(string name) =>
        Networks.Value.Where(n => n.Names.Contains(name)).Select(n => (Ipv4Address?)n.Address).FirstOrDefault();

    /// <summary>gethostbyaddr, then getnetbyaddr: a name for the address, if the files have one.</summary>
    public static string? NameOf(Ipv4Address address) =>
        Hosts.Value.Where(h => h.Address == address).Select(h => h.Names[0]).FirstOrDefault()
        ?? Networks.Value.Where(n => n.Address == address).Select(n => n.Names[0]).FirstOrDefault();

    /// <summary>getservbyname(name, protocol).</summary>
    public static ushort? ServicePort(string name, string protocol) =>
        Services.Value.Where(s => s.Protocol == protocol && (s.Name == name || s.Aliases.Contains(name)))
            .Select(s => (ushort?)s.Port).FirstOrDefault();

    /// <summary>getservbyport(port, protocol).</summary>
    public static string? ServiceName(ushort port, string protocol) =>
        Services.Value.Where(s => s.Protocol == protocol && s.Port == port).Select(s => s.Name).FirstOrDefault();

    /// <summary>The words of each line, comments dropped; an unreadable file has no entries.</summary>
    private static IEnumerable<string[]> Entries(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (IOException) { yield break; }
        catch (UnauthorizedAccessException) { yield break; }
        foreach (string line in lines)
        {
            string content = line.Split('#')[0];
            var words = content.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 0) yield return words;
        }
    }

    /// <summary>A network number as /etc/networks writes it: "127" is 127.0.0.0, "169.254" is 169.254.0.0.</summary>
    private static Ipv4Address? NetworkNumber(string text)
    {
        var parts = text.Split('.');
        if (parts.Length > 4) return null;
        uint value = 0;
        for (int i = 0; i < 4; i++)
        {
            uint part = 0;
            if (i < parts.Length && !uint.TryParse(parts[i], out part) || part > 255) return null;
            value = value << 8 | part;
        }
        return new Ipv4Address(value);
    }
}
