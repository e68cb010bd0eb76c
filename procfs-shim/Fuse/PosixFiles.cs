using System.Runtime.InteropServices;
using System.Text;

namespace ProcfsShim.Fuse;

/// <summary>The real file calls a pass-through file system makes on the files it mirrors.</summary>
public static partial class PosixFiles
{
    public const int O_RDONLY = 0, O_ACCMODE = 3, O_CLOEXEC = 0x80000;

    /// <summary>struct stat on x86_64 (144 bytes).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 144)]
    public struct Stat
    {
        public ulong Device, Ino, NLink;
        public uint Mode, Uid, Gid, Padding;
        public ulong RDevice;
        public long Size, BlockSize, Blocks;
        public long AccessSeconds, AccessNanoseconds, ModifySeconds, ModifyNanoseconds, ChangeSeconds, ChangeNanoseconds;
    }

    /// <summary>lstat: 0, or the errno.</summary>
    public static int LStat(string path, out Stat stat) => lstat(path, out stat) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public static int ReadLink(string path, out string target)
    {
        Span<byte> buffer = stackalloc byte[4096];
        nint length = readlink(path, buffer, buffer.Length);
        target = length >= 0 ? Encoding.UTF8.GetString(buffer[..(int)length]) : "";
        return length >= 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>open(2) with the caller's flags (no O_CREAT): the fd, or minus the errno.</summary>
    public static int Open(string path, uint flags)
    {
        int fd = open(path, (int)flags | O_CLOEXEC);
        return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
    }

    public static int PRead(int fd, Span<byte> buffer, long offset, out int length)
    {
        nint read = pread(fd, buffer, buffer.Length, offset);
        length = (int)Math.Max(0, read);
        return read >= 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>/proc/sys files take a whole value per write at offset 0; pwrite would be refused.</summary>
    public static int Write(int fd, ReadOnlySpan<byte> data, out int written)
    {
        nint result = write(fd, data, data.Length);
        written = (int)Math.Max(0, result);
        return result >= 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    public static void Close(int fd) => close(fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lstat(string path, out Stat stat);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint readlink(string path, Span<byte> buffer, nint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint pread(int fd, Span<byte> buffer, nint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, ReadOnlySpan<byte> buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
