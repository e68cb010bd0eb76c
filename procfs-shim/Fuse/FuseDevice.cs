using Tmds.Linux;

namespace ProcfsShim.Fuse;

/// <summary>An open /dev/fuse and the mount made with it; requests are read from it and replies written to it.</summary>
public sealed class FuseDevice : IDisposable
{
    private int _fd;

    public string MountPoint { get; }

    private FuseDevice(int fd, string mountPoint)
    {
        _fd = fd;
        MountPoint = mountPoint;
    }

    /// <summary>Mounts a read-only FUSE file system of type fuse.<paramref name="name"/> at <paramref name="mountPoint"/>.</summary>
    public static FuseDevice Mount(string mountPoint, string name)
    {
        int fd = LinuxFs.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0) throw new IOException($"cannot open /dev/fuse: {LinuxFs.Describe(LinuxFs.LastError)}");
        string options = $"fd={fd},rootmode=40000,user_id=0,group_id=0,allow_other";
        if (LinuxFs.mount(name, mountPoint, $"fuse.{name}", LibC.MS_NOSUID | LibC.MS_NODEV, options) != 0)
        {
            int error = LinuxFs.LastError;
            LinuxFs.close(fd);
            throw new IOException($"cannot mount {mountPoint}: {LinuxFs.Describe(error)}");
        }
        return new FuseDevice(fd, mountPoint);
    }

    /// <summary>Takes an open /dev/fuse that another process (a child in its own mount namespace) mounts.</summary>
    public static FuseDevice Adopt(int fd, string mountPoint) => new(fd, mountPoint) { _awaitingMount = true };

    /// <summary>
    /// Until the mount is made, reading the device fails with EPERM (no connection is attached to
    /// it yet); an adopted device waits for it. Once it was mounted, EPERM means the connection has
    /// gone again — the command's mount namespace ended with it — and reads as an unmount.
    /// </summary>
    private volatile bool _awaitingMount;

    /// <summary>Reads one request; 0 when the file system was unmounted. Several threads may read at once: each read takes a whole request.</summary>
    public int Read(Span<byte> buffer)
    {
        while (true)
        {
            long length = LinuxFs.read(_fd, buffer);
            if (length >= 0)
            {
                _awaitingMount = false;
                return (int)length;
            }
            int error = LinuxFs.LastError;
            if (error == LibC.EPERM && _awaitingMount)
            {
                Thread.Sleep(5);
                continue;
            }
            if (error == LibC.ENODEV || error == LibC.EPERM) return 0;
            if (error == LibC.EINTR || error == LibC.EAGAIN || error == LibC.ENOENT) continue; // ENOENT: the request was interrupted
            throw new IOException($"reading /dev/fuse: {LinuxFs.Describe(error)}");
        }
    }

    /// <summary>
    /// Writes one reply, from any thread; false when the kernel did not take it (ENOENT: it gave
    /// up on the request), so what the reply handed over can be taken back.
    /// </summary>
    public bool Write(ReadOnlySpan<byte> reply) => LinuxFs.write(_fd, reply) >= 0;

    /// <summary>Detaches the mount; a blocked <see cref="Read"/> then returns 0.</summary>
    public void Unmount() => LinuxFs.umount2(MountPoint, LibC.MNT_DETACH);

    /// <summary>
    /// Detaches a FUSE mount left at <paramref name="mountPoint"/> by a server that died: it is
    /// still listed in mountinfo, but using it fails (ENOTCONN).
    /// </summary>
    public static bool RecoverStale(string mountPoint)
    {
        string full = Path.GetFullPath(mountPoint).TrimEnd('/');
        bool mounted = File.ReadLines("/proc/self/mountinfo").Any(line => line.Split(' ') is { Length: > 4 } fields && fields[4] == full);
        if (!mounted) return false;
        try
        {
            Directory.GetFileSystemEntries(full);
            return false; // alive: another server owns it
        }
        catch (IOException)
        {
            return LinuxFs.umount2(full, LibC.MNT_DETACH) == 0;
        }
    }

    public void Dispose()
    {
        if (_fd >= 0) LinuxFs.close(_fd);
        _fd = -1;
    }
}
