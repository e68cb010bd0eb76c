using System.Text.RegularExpressions;
using ProcfsShim.Fuse;
using Tmds.Linux;

namespace ProcfsShim;

/// <summary>
/// A pass-through view of the real /proc with one file added: <c>net/ip_cluster</c>. Mounted over
/// /proc in a private mount namespace (see <see cref="ExecCommand"/>) while this server stays in
/// the original one and reads the real /proc. A node is a path below /proc ("" for /proc itself);
/// attributes and inode numbers are the real files'. Paths that depend on who asks follow the
/// caller: <c>self</c> and <c>thread-self</c> name the calling process, and since <c>net</c> is a
/// link to <c>self/net</c>, /proc/net/* shows the caller's network namespace. Nothing is cached,
/// so new processes appear at once. Writes pass through (for /proc/sys).
/// </summary>
public sealed partial class ProcFileSystem(string socketPath)
    : IFuseFileSystem<string>, IFuseFileOpener<string>, IFuseDirectoryLister<string>, IFuseLinkReader<string>, IFuseTruncator<string>
{
    private const string RealProc = "/proc";
    private const uint StatusFileMode = 0x8000 | 0b100_100_100;

    /// <summary>A process's net directory, where the status file is added.</summary>
    [GeneratedRegex(@"^/(\d+)/net$")]
    private static partial Regex NetDirectory();

    public string Root => "";

    public int Lookup(string parent, string name, out string child, out FuseAttr attr)
    {
        child = parent + "/" + name;
        return GetAttr(child, out attr);
    }

    public int GetAttr(string path, out FuseAttr attr)
    {
        attr = default;
        if (StatusFileOwner(path) is { } pid)
        {
            attr = new FuseAttr { Ino = StatusFileIno(pid), Mode = StatusFileMode, NLink = 1, BlockSize = 4096 };
            return 0;
        }
        int error = PosixFiles.LStat(RealProc + path, out var stat);
        if (error != 0) return error;
        attr = new FuseAttr
        {
            Ino = stat.st_ino, Size = (ulong)(long)stat.st_size, Blocks = (ulong)(long)stat.st_blocks, Mode = (uint)stat.st_mode, NLink = (uint)stat.st_nlink,
            Uid = stat.st_uid, Gid = stat.st_gid, RDev = (uint)stat.st_rdev, BlockSize = (uint)(long)stat.st_blksize,
            Atime = (ulong)(long)stat.st_atim.tv_sec, Mtime = (ulong)(long)stat.st_mtim.tv_sec, Ctime = (ulong)(long)stat.st_ctim.tv_sec,
        };
        return 0;
    }

    public int List(string path, out IReadOnlyList<DirectoryEntry> entries)
    {
        entries = [];
        var list = new List<DirectoryEntry>();
        int error = PosixFiles.ReadDirectory(RealProc + path, list);
        if (error != 0) return error;
        if (NetDirectoryOwner(path) is { } pid)
            list.Add(new DirectoryEntry(StatusFileIno(pid), StatusFileSystem.FileName, DirectoryEntry.Regular));
        entries = list;
        return 0;
    }

    public int Open(string path, uint flags, uint callerPid, out IFuseFile? file)
    {
        file = null;
        if (StatusFileOwner(path) is not null)
        {
            if ((flags & LibC.O_ACCMODE) != LibC.O_RDONLY) return LibC.EACCES;
            return StatusSnapshot.Open(socketPath, out file);
        }
        int fd = PosixFiles.Open(RealProc + path, flags & ~(uint)LibC.O_TRUNC); // /proc files cannot be truncated
        if (fd < 0) return -fd;
        file = new PassThroughFile(fd);
        return 0;
    }

    /// <summary>Truncating a /proc file is meaningless; agreeing lets "echo 1 &gt; /proc/sys/…" go on to its write.</summary>
    public int Truncate(string path, out FuseAttr attr) => GetAttr(path, out attr);

    public int ReadLink(string path, uint callerPid, out string target)
    {
        switch (path)
        {
            case "/self":
                target = ProcessOf(callerPid).ToString();
                return 0;
            case "/thread-self":
                target = $"{ProcessOf(callerPid)}/task/{callerPid}";
                return 0;
            default:
                return PosixFiles.ReadLink(RealProc + path, out target);
        }
    }

    /// <summary>FUSE names the calling thread; /proc/self names its process (the thread group).</summary>
    private static uint ProcessOf(uint thread)
    {
        try
        {
            string? line = File.ReadLines($"{RealProc}/{thread}/status").FirstOrDefault(l => l.StartsWith("Tgid:", StringComparison.Ordinal));
            return line is not null && uint.TryParse(line[5..].Trim(), out uint tgid) ? tgid : thread;
        }
        catch (IOException)
        {
            return thread;
        }
    }

    /// <summary>The process whose net directory <paramref name="path"/> is the status file of; null for any other path.</summary>
    private static uint? StatusFileOwner(string path) =>
        path.EndsWith("/" + StatusFileSystem.FileName, StringComparison.Ordinal) ? NetDirectoryOwner(path[..^(StatusFileSystem.FileName.Length + 1)]) : null;

    /// <summary>The process whose net directory <paramref name="path"/> is; null for any other path.</summary>
    private static uint? NetDirectoryOwner(string path) =>
        NetDirectory().Match(path) is { Success: true } net && uint.TryParse(net.Groups[1].ValueSpan, out uint pid) ? pid : null;

    /// <summary>procfs's inode numbers fit 32 bits, so numbers above them cannot collide with a real file's.</summary>
    private static ulong StatusFileIno(uint pid) => (1UL << 32) | pid;
}
