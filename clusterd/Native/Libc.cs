using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace Clusterd.Native;

/// <summary>The file calls .NET does not wrap, through Tmds.LibC (whose constants are each architecture's own).</summary>
internal static unsafe class Libc
{
    /// <summary>Makes a rename inside <paramref name="directory"/> durable.</summary>
    /// <exception cref="IOException">The directory could not be flushed: the rename may not survive a crash.</exception>
    public static void FsyncDirectory(string directory)
    {
        int fd;
        fixed (byte* path = CString(directory)) fd = LibC.open(path, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (fd < 0) return; // a directory we cannot open for reading: nothing more we can do for durability
        int flushed = LibC.fsync(fd);
        int error = LibC.errno;
        _ = LibC.close(fd); // read-only: closing loses nothing
        if (flushed < 0) throw new IOException($"cannot flush directory {directory}: {Marshal.GetPInvokeErrorMessage(error)}");
    }

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/>, as libc takes paths.</summary>
    private static byte[] CString(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
