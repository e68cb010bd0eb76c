using ProcfsShim.Fuse;
using Tmds.Linux;

namespace ProcfsShim;

/// <summary>
/// The file-system layer: one directory holding one read-only file, <c>ip_cluster</c>, whose
/// content is a fresh snapshot from clusterd at every open(). Its size is reported as 0 (like
/// /proc files); direct I/O makes readers read on to the real end.
/// </summary>
public sealed class StatusFileSystem(string socketPath)
    : IFuseFileSystem<StatusFileSystem.Node>, IFuseFileOpener<StatusFileSystem.Node>, IFuseDirectoryLister<StatusFileSystem.Node>
{
    public const string FileName = "ip_cluster";

    /// <summary>The two nodes; their values are their inode numbers.</summary>
    public enum Node : ulong { Root = 1, File = 2 }

    private const uint DirectoryMode = 0x4000 | 0b101_101_101, FileMode = 0x8000 | 0b100_100_100;

    private static readonly IReadOnlyList<DirectoryEntry> RootEntries =
    [
        new((ulong)Node.Root, ".", DirectoryEntry.Directory),
        new((ulong)Node.Root, "..", DirectoryEntry.Directory),
        new((ulong)Node.File, FileName, DirectoryEntry.Regular),
    ];

    private readonly DateTime _mounted = DateTime.UtcNow;

    public Node Root => Node.Root;

    public int Lookup(Node parent, string name, out Node child, out FuseAttr attr)
    {
        child = Node.File;
        attr = Attributes(child);
        return parent == Node.Root && name == FileName ? 0 : LibC.ENOENT;
    }

    public int GetAttr(Node node, out FuseAttr attr)
    {
        attr = Attributes(node);
        return 0;
    }

    public int List(Node directory, out IReadOnlyList<DirectoryEntry> entries)
    {
        entries = RootEntries;
        return directory == Node.Root ? 0 : LibC.ENOTDIR;
    }

    public int Open(Node node, uint flags, uint callerPid, out IFuseFile? file)
    {
        file = null;
        if (node != Node.File) return LibC.EISDIR;
        if ((flags & LibC.O_ACCMODE) != LibC.O_RDONLY) return LibC.EACCES;
        return StatusSnapshot.Open(socketPath, out file);
    }

    private FuseAttr Attributes(Node node)
    {
        ulong seconds = (ulong)(_mounted - DateTime.UnixEpoch).TotalSeconds;
        return new FuseAttr
        {
            Ino = (ulong)node,
            Mode = node == Node.Root ? DirectoryMode : FileMode,
            NLink = node == Node.Root ? 2u : 1u,
            Atime = seconds,
            Mtime = seconds,
            Ctime = seconds,
            BlockSize = 4096,
        };
    }
}
