using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace ProcfsShim.Fuse;

/// <summary>
/// The libc calls behind a FUSE mount, through Tmds.LibC, whose per-architecture builds carry
/// each architecture's constants and struct layouts; these wrappers only turn strings and spans
/// into the pointers libc takes. Errors are read from <see cref="LastError"/>.
/// </summary>
public static unsafe class LinuxFs
{
    public static int open(string path, int flags)
    {
        fixed (byte* p = CString(path)) return LibC.open(p, flags, 0);
    }

    public static int close(int fd) => LibC.close(fd);

    public static long read(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer) return LibC.read(fd, p, buffer.Length);
    }

    public static long write(int fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer) return LibC.write(fd, p, buffer.Length);
    }

    public static int mount(string source, string target, string type, ulong_t flags, string data)
    {
        fixed (byte* s = CString(source), t = CString(target), k = CString(type), d = CString(data))
            return LibC.mount(s, t, k, flags, d);
    }

    public static int umount2(string target, int flags)
    {
        fixed (byte* p = CString(target)) return LibC.umount2(p, flags);
    }

    public static int LastError => LibC.errno;

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/>, as libc takes names.</summary>
    public static byte[] CString(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
