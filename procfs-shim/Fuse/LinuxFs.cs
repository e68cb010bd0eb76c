using System.Runtime.InteropServices;

namespace ProcfsShim.Fuse;

/// <summary>The libc calls behind a FUSE mount.</summary>
public static partial class LinuxFs
{
    public const int O_RDWR = 2, O_CLOEXEC = 0x80000;
    public const ulong MS_NOSUID = 2, MS_NODEV = 4;
    public const int MNT_DETACH = 2;
    public const int EPERM = 1, EINTR = 4, ENOENT = 2, EIO = 5, EBADF = 9, EAGAIN = 11, EACCES = 13, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, EROFS = 30,
        ENOSYS = 38, ENODATA = 61, ENOTCONN = 107;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, Span<byte> buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, ReadOnlySpan<byte> buffer, nint count);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mount(string source, string target, string type, ulong flags, string data);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string target, int flags);

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
