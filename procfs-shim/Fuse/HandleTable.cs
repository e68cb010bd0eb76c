using System.Collections.Concurrent;

namespace ProcfsShim.Fuse;

/// <summary>
/// What the kernel holds open, by the handle it was given for each: files (OPEN to RELEASE) and
/// directory listings (OPENDIR to RELEASEDIR). Thread-safe.
/// </summary>
public sealed class HandleTable<T> where T : class
{
    private readonly ConcurrentDictionary<ulong, T> _held = new();
    private long _lastHandle;

    public ulong Add(T value)
    {
        ulong handle = (ulong)Interlocked.Increment(ref _lastHandle);
        _held[handle] = value;
        return handle;
    }

    public T? Get(ulong handle) => _held.GetValueOrDefault(handle);

    /// <summary>The kernel released <paramref name="handle"/>: what it held, for the caller to close; null if it held nothing.</summary>
    public T? Remove(ulong handle) => _held.TryRemove(handle, out var value) ? value : null;
}
