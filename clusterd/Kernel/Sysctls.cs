namespace Clusterd.Kernel;

/// <summary>
/// The front-end's sysctls: set at start, and put back as they were on a clean exit, so clusterd
/// leaves the host as it found it.
/// </summary>
public sealed class Sysctls : IDisposable
{
    /// <summary>
    /// ip_forward: the front-end routes packets to the nodes. src_valid_mark: with rp_filter on,
    /// the reverse-path check uses the packet's mark, so marked packets pass it.
    /// </summary>
    private static readonly (string Path, string Value)[] Wanted =
    [
        ("/proc/sys/net/ipv4/ip_forward", "1"),
        ("/proc/sys/net/ipv4/conf/all/src_valid_mark", "1"),
    ];

    private readonly List<(string Path, string Previous)> _changed = [];

    public Sysctls()
    {
        foreach (var (path, value) in Wanted)
        {
            string previous = File.ReadAllText(path).Trim();
            if (previous == value) continue;
            File.WriteAllText(path, value);
            _changed.Add((path, previous));
        }
    }

    public void Dispose()
    {
        foreach (var (path, previous) in _changed) File.WriteAllText(path, previous);
        _changed.Clear();
    }
}
