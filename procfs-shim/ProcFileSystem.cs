using System.Text.RegularExpressions;
using ClusterControl;
using ProcfsShim.Fuse;
using Tmds.Linux;

namespace ProcfsShim;

/// <summary>
/// A pass-through view of the real /proc with one file added: <c>net/ip_cluster</c>. Mounted over
/// /proc in a private mount namespace (see <see cref="ExecCommand"/>) while this server stays in
/// the original one and reads the real /proc. Paths that depend on who asks follow the caller:
/// <c>self</c> and <c>thread-self</c> name the calling process, and since <c>net</c> is a link to
/// <c>self/net</c>, /proc/net/* shows the caller's network namespace. Nothing is cached, so new
/// processes appear at once. Writes pass through (for /proc/sys).
/// </summary>
public sealed partial class ProcFileSystem(string socketPath) : IFuseFileSystem
{
    private const string RealProc = "/proc";
    private const ulong Root = 1;

    private readonly Dictionary<ulong, string> _paths = new() { [Root] = "" };
    private readonly Dictionary<string, ulong> _nodes = new() { [""] = Root };
    private readonly Dictionary<ulong, OpenFile> _open = [];
    private ulong _nextNode = Root + 1, _nextHandle = 1;

    /// <summary>A process's net directory, where the status file is added.</summary>
    [GeneratedRegex(@"^/\d+/net$")]
    private static partial Regex NetDirectory();

    private abstract record OpenFile;
    private sealed record RealFile(int Fd) : OpenFile;
    private sealed record StatusFile(StatusSnapshot Snapshot) : OpenFile;

    public int Lookup(ulong parent, string name, out FuseAttr attr)
    {
        attr = default;
        if (!_paths.TryGetValue(parent, out string? directory)) return LibC.ENOENT;
        return GetAttr(Node(directory + "/" + name), out attr);
    }

    public int GetAttr(ulong node, out FuseAttr attr)
    {
        attr = default;
        if (!_paths.TryGetValue(node, out string? path)) return LibC.ENOENT;
        if (IsStatusFile(path))
        {
            attr = new FuseAttr { Ino = node, Mode = 0x8000 | 0b100_100_100, NLink = 1, BlockSize = 4096 };
            return 0;
        }
        int error = PosixFiles.LStat(RealProc + path, out var stat);
        if (error != 0) return error;
        attr = new FuseAttr
        {
            Ino = node, Size = (ulong)(long)stat.st_size, Blocks = (ulong)(long)stat.st_blocks, Mode = (uint)stat.st_mode, NLink = (uint)stat.st_nlink,
            Uid = stat.st_uid, Gid = stat.st_gid, RDev = (uint)stat.st_rdev, BlockSize = (uint)(long)stat.st_blksize,
            Atime = (ulong)(long)stat.st_atim.tv_sec, Mtime = (ulong)(long)stat.st_mtim.tv_sec, Ctime = (ulong)(long)stat.st_ctim.tv_sec,
        };
        return 0;
    }

    public int List(ulong directory, out IReadOnlyList<DirectoryEntry> entries)
    {
        entries = [];
        if (!_paths.TryGetValue(directory, out string? path)) return LibC.ENOENT;
        var list = new List<DirectoryEntry> { new(directory, ".", DirectoryEntry.Directory), new(directory, "..", DirectoryEntry.Directory) };
        try
        {
            foreach (var entry in new DirectoryInfo(RealProc + path).EnumerateFileSystemInfos())
            {
                uint type = entry.LinkTarget is not null ? DirectoryEntry.Link
                    : entry is DirectoryInfo ? DirectoryEntry.Directory : DirectoryEntry.Regular;
                list.Add(new DirectoryEntry(Node(path + "/" + entry.Name), entry.Name, type));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e is DirectoryNotFoundException ? LibC.ENOENT : LibC.EACCES;
        }
        if (NetDirectory().IsMatch(path)) list.Add(new DirectoryEntry(Node(path + "/" + StatusFileSystem.FileName), StatusFileSystem.FileName, DirectoryEntry.Regular));
        entries = list;
        return 0;
    }

    public int Open(ulong node, uint flags, uint callerPid, out ulong handle)
    {
        handle = 0;
        if (!_paths.TryGetValue(node, out string? path)) return LibC.ENOENT;
        OpenFile file;
        if (IsStatusFile(path))
        {
            if ((flags & LibC.O_ACCMODE) != LibC.O_RDONLY) return LibC.EACCES;
            try
            {
                file = new StatusFile(StatusSnapshot.Take(socketPath));
            }
            catch (ControlUnreachableException e)
            {
                Console.Error.WriteLine($"procfs-shim: {e.Message}");
                return LibC.ENOTCONN;
            }
        }
        else
        {
            int fd = PosixFiles.Open(RealProc + path, flags & ~0x200u); // O_TRUNC: /proc files cannot be truncated
            if (fd < 0) return -fd;
            file = new RealFile(fd);
        }
        handle = _nextHandle++;
        _open[handle] = file;
        return 0;
    }

    public int Read(ulong handle, ulong offset, Span<byte> destination, out int length)
    {
        length = 0;
        switch (_open.GetValueOrDefault(handle))
        {
            case RealFile real:
                return PosixFiles.PRead(real.Fd, destination, (long)offset, out length);
            case StatusFile status:
                length = status.Snapshot.Read(offset, destination);
                return 0;
            default:
                return LibC.EBADF;
        }
    }

    public int Write(ulong handle, ulong offset, ReadOnlySpan<byte> data, out int written)
    {
        written = 0;
        return _open.GetValueOrDefault(handle) is RealFile real ? PosixFiles.Write(real.Fd, data, out written) : LibC.EACCES;
    }

    /// <summary>Truncating a /proc file is meaningless; agreeing lets "echo 1 &gt; /proc/sys/…" go on to its write.</summary>
    public int Truncate(ulong node, out FuseAttr attr) => GetAttr(node, out attr);

    public int ReadLink(ulong node, uint callerPid, out string target)
    {
        target = "";
        if (!_paths.TryGetValue(node, out string? path)) return LibC.ENOENT;
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

    public void Release(ulong handle)
    {
        if (!_open.Remove(handle, out var file)) return;
        if (file is RealFile real) PosixFiles.Close(real.Fd);
        else if (file is StatusFile status) status.Snapshot.Dispose();
    }

    private static bool IsStatusFile(string path) =>
        path.EndsWith("/" + StatusFileSystem.FileName, StringComparison.Ordinal)
        && NetDirectory().IsMatch(path[..^(StatusFileSystem.FileName.Length + 1)]);

    private ulong Node(string path)
    {
        if (_nodes.TryGetValue(path, out ulong node)) return node;
        node = _nextNode++;
        _nodes[path] = node;
        _paths[node] = path;
        return node;
    }
}
