using System.Text;
using Clusterd.State;

namespace Clusterd.Kernel;

/// <summary>
/// The front-end's sysctls that clusterd needs. <see cref="Apply"/> sets them at every start; the
/// values they had before clusterd first changed them are kept in <see cref="FileName"/> in the
/// state directory, because they stay set when clusterd stops (established connections still need
/// them) and must survive restarts until <see cref="Restore"/> (<c>clusterd --cleanup</c>) puts the
/// host back as it was.
/// </summary>
/// <param name="procSys">Where the sysctl tree is mounted (a stand-in directory in unit tests).</param>
public sealed class Sysctls(string stateDirectory, string procSys = "/proc/sys")
{
    public const string FileName = "sysctls.saved";

    private const string RpFilter = "net/ipv4/conf/all/rp_filter";
    private const string Strict = "1", Loose = "2";

    private string SavedPath => Path.Combine(stateDirectory, FileName);

    /// <summary>
    /// ip_forward: the front-end routes packets to the nodes. accept_local: the nodes answer from the
    /// shared address, which the front-end itself may own (the 1997 set-up); without it those replies
    /// are martians. src_valid_mark: the reverse-path check of a marked packet uses its mark.
    /// rp_filter, only where some interface filters strictly: the replies arrive on the private side
    /// with a source whose reverse route is local or leads elsewhere, so strict filtering drops them;
    /// loose filtering (the effective value is the highest of "all" and the interface's) still drops
    /// sources with no route at all.
    /// </summary>
    private IEnumerable<(string Name, string Value)> Wanted()
    {
        yield return ("net/ipv4/ip_forward", "1");
        yield return ("net/ipv4/conf/all/accept_local", "1");
        yield return ("net/ipv4/conf/all/src_valid_mark", "1");
        if (AnyInterfaceStrict()) yield return (RpFilter, Loose);
    }

    public void Apply()
    {
        var saved = Load();
        var changes = new List<(string Name, string Value)>();
        foreach (var (name, value) in Wanted())
        {
            string current = Read(name);
            if (current == value) continue;
            saved.TryAdd(name, current);
            changes.Add((name, value));
        }
        if (changes.Count == 0) return;
        Save(saved); // first, so that a crash in between never loses what the host had
        foreach (var (name, value) in changes) File.WriteAllText(Full(name), value);
    }

    /// <summary>Puts back every value clusterd changed, and forgets them.</summary>
    public void Restore()
    {
        if (!File.Exists(SavedPath)) return;
        foreach (var (name, value) in Load()) File.WriteAllText(Full(name), value);
        File.Delete(SavedPath);
    }

    private bool AnyInterfaceStrict()
    {
        string conf = Full("net/ipv4/conf");
        return Directory.Exists(conf) && Directory.EnumerateDirectories(conf)
            .Any(device => File.Exists(Path.Combine(device, "rp_filter")) && File.ReadAllText(Path.Combine(device, "rp_filter")).Trim() == Strict);
    }

    private string Read(string name) => File.ReadAllText(Full(name)).Trim();

    private string Full(string name) => Path.Combine(procSys, name);

    /// <summary>The saved file: one "name value" line per sysctl, the value it had before clusterd.</summary>
    private Dictionary<string, string> Load()
    {
        var saved = new Dictionary<string, string>();
        if (!File.Exists(SavedPath)) return saved;
        foreach (string line in File.ReadAllLines(SavedPath))
            if (line.Split(' ', 2) is [var name, var value] && !name.Contains("..")) saved[name] = value;
        return saved;
    }

    private void Save(Dictionary<string, string> saved) =>
        AtomicFile.Write(SavedPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            foreach (var (name, value) in saved) writer.Write($"{name} {value}\n");
        });
}
