namespace Clusterd.Control;

/// <summary>
/// How many control connections a caller may hold at once, so no local user can crowd out the
/// administrator: root is always served; any other uid holds at most <see cref="PerUser"/>, and all
/// of them together at most <see cref="AllOthers"/>. Thread-safe.
/// </summary>
public sealed class ConnectionQuota
{
    /// <summary>A reader needs one connection at a time; a few allow a monitoring tool and a shell side by side.</summary>
    public const int PerUser = 8;

    /// <summary>All non-root callers together; what is left of the machine stays root's.</summary>
    public const int AllOthers = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<uint, int> _held = [];
    private int _others;

    /// <summary>Takes a connection for <paramref name="uid"/>; false when it is over its quota (then nothing was taken).</summary>
    public bool TryTake(uint uid)
    {
        if (uid == 0) return true;
        lock (_gate)
        {
            int held = _held.GetValueOrDefault(uid);
            if (held >= PerUser || _others >= AllOthers) return false;
            _held[uid] = held + 1;
            _others++;
            return true;
        }
    }

    /// <summary>Gives back a connection <see cref="TryTake"/> granted.</summary>
    public void Release(uint uid)
    {
        if (uid == 0) return;
        lock (_gate)
        {
            int held = _held.GetValueOrDefault(uid);
            if (held <= 1) _held.Remove(uid);
            else _held[uid] = held - 1;
            _others--;
        }
    }
}
