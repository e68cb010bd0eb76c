using ClusterControl;
using ProcfsShim.Fuse;
using Tmds.Linux;

namespace ProcfsShim;

/// <summary>
/// The file-system layer: one directory holding one read-only file, <c>ip_cluster</c>, whose
/// content is a fresh snapshot from clusterd at every open(). Its size is reported as 0 (like
/// /proc files); direct I/O makes readers read on to the real end.
/// </summary>
public sealed class StatusFileSystem(string socketPath) : IFuseFileSystem
{
    public const string FileName = "ip_cluster";
    private const ulong Root = 1, File = 2;
    private const uint DirectoryMode = 0x4000 | 0b101_101_101, FileMode = 0x8000 | 0b100_100_100;
    private const int O_ACCMODE = 3, O_RDONLY = 0;

    private static readonly IReadOnlyList<DirectoryEntry> RootEntries =
    [
        new(Root, ".", DirectoryEntry.Directory),
        new(Root, "..", DirectoryEntry.Directory),
        new(File, FileName, DirectoryEntry.Regular),
    ];

    private readonly Dictionary<ulong, StatusSnapshot> _open = [];
    private readonly DateTime _mounted = DateTime.UtcNow;
    private ulong _nextHandle = 1;

    public int Lookup(ulong parent, string name, out FuseAttr attr)
    {
        attr = default;
        if (parent != Root || name != FileName) return LibC.ENOENT;
        attr = Attributes(File);
        return 0;
    }

    public int GetAttr(ulong node, out FuseAttr attr)
    {
        attr = Attributes(node);
        return node is Root or File ? 0 : LibC.ENOENT;
    }

    public int List(ulong directory, out IReadOnlyList<DirectoryEntry> entries)
    {
        entries = RootEntries;
        return directory == Root ? 0 : LibC.ENOTDIR;
    }

    public int Open(ulong node, uint flags, uint callerPid, out ulong handle)
    {
        handle = 0;
        if (node != File) return LibC.EISDIR;
        if ((flags & O_ACCMODE) != O_RDONLY) return LibC.EACCES;
        try
        {
            var snapshot = StatusSnapshot.Take(socketPath);
            handle = _nextHandle++;
            _open[handle] = snapshot;
            return 0;
        }
        catch (ControlUnreachableException e)
        {
            Console.Error.WriteLine($"procfs-shim: {e.Message}");
            return LibC.ENOTCONN;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"procfs-shim: cannot spool the status: {e.Message}");
            return LibC.EIO;
        }
    }

    public int Read(ulong handle, ulong offset, Span<byte> destination, out int length)
    {
        length = 0;
        if (!_open.TryGetValue(handle, out var snapshot)) return LibC.EBADF;
        length = snapshot.Read(offset, destination);
        return 0;
    }

    public int Write(ulong handle, ulong offset, ReadOnlySpan<byte> data, out int written)
    {
        written = 0;
        return LibC.EACCES;
    }

    public int Truncate(ulong node, out FuseAttr attr)
    {
        attr = default;
        return LibC.EACCES;
    }

    public int ReadLink(ulong node, uint callerPid, out string target)
    {
        target = "";
        return LibC.EINVAL;
    }

    public void Release(ulong handle)
    {
        if (_open.Remove(handle, out var snapshot)) snapshot.Dispose();
    }

    private FuseAttr Attributes(ulong node)
    {
        ulong seconds = (ulong)(_mounted - DateTime.UnixEpoch).TotalSeconds;
        return new FuseAttr
        {
            Ino = node,
            Mode = node == Root ? DirectoryMode : FileMode,
            NLink = node == Root ? 2u : 1u,
            Atime = seconds,
            Mtime = seconds,
            Ctime = seconds,
            BlockSize = 4096,
        };
    }
}
