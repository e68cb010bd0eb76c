using System.Collections.Concurrent;

namespace ProcfsShim.Fuse;

/// <summary>The files open through the kernel, by the handle it was given for each (OPEN to RELEASE). Thread-safe.</summary>
public sealed class OpenFiles
{
    private readonly ConcurrentDictionary<ulong, IFuseFile> _files = new();
    private long _lastHandle;

    public ulong Add(IFuseFile file)
    {
        ulong handle = (ulong)Interlocked.Increment(ref _lastHandle);
        _files[handle] = file;
        return handle;
    }

    public IFuseFile? Get(ulong handle) => _files.GetValueOrDefault(handle);

    /// <summary>Closes the file: the kernel released its handle.</summary>
    public void Release(ulong handle)
    {
        if (_files.TryRemove(handle, out var file)) file.Dispose();
    }
}
