using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace ProcfsShim.Fuse;

/// <summary>
/// The real file calls a pass-through file system makes on the files it mirrors. <c>struct stat</c>
/// comes from Tmds.LibC, laid out per architecture (144 bytes on x86_64, 128 on aarch64).
/// </summary>
public static unsafe partial class PosixFiles
{
    /// <summary>
    /// glibc's struct dirent64 (= struct dirent on 64-bit targets): fixed-width fields, so the
    /// same layout on x86_64 and aarch64. Tmds.LibC has no directory reading.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DirEnt64
    {
        public ulong Ino;
        public long Offset;
        public ushort RecordLength;
        public byte Type;
        public fixed byte Name[256];
    }

    /// <summary>
    /// The names in a directory ("." and ".." included) with their inode numbers and DT_* types, straight from readdir(3):
    /// no entry is stat()ed. (.NET's enumeration stats the target of every symbolic link, and in
    /// /proc a process's cwd or root may lie on the very FUSE mount this server answers.)
    /// 0, or the errno.
    /// </summary>
    public static int ReadDirectory(string path, List<DirectoryEntry> into)
    {
        nint directory = opendir(path);
        if (directory == 0) return Marshal.GetLastPInvokeError();
        try
        {
            while (readdir64(directory) is var entry && entry != null)
            {
                string name = Marshal.PtrToStringUTF8((nint)entry->Name) ?? "";
                into.Add(new DirectoryEntry(entry->Ino, name, entry->Type));
            }
            return Marshal.GetLastPInvokeError(); // 0 at the end, else why the listing stopped
        }
        finally
        {
            _ = closedir(directory); // read-only: closing loses nothing
        }
    }
    /// <summary>lstat: 0, or the errno.</summary>
    public static int LStat(string path, out stat stat)
    {
        fixed (byte* p = LinuxFs.CString(path))
        fixed (stat* s = &stat)
            return LibC.lstat(p, s) == 0 ? 0 : LibC.errno;
    }

    public static int ReadLink(string path, out string target)
    {
        Span<byte> buffer = stackalloc byte[4096];
        long length;
        fixed (byte* p = LinuxFs.CString(path), b = buffer) length = LibC.readlink(p, b, buffer.Length);
        target = length >= 0 ? Encoding.UTF8.GetString(buffer[..(int)length]) : "";
        return length >= 0 ? 0 : LibC.errno;
    }

    /// <summary>open(2) with the caller's flags (no O_CREAT): the fd, or minus the errno.</summary>
    public static int Open(string path, uint flags)
    {
        int fd = LinuxFs.open(path, (int)flags | LibC.O_CLOEXEC);
        return fd >= 0 ? fd : -LibC.errno;
    }

    public static int PRead(int fd, Span<byte> buffer, long offset, out int length)
    {
        long read;
        fixed (byte* b = buffer) read = LibC.pread(fd, b, buffer.Length, offset);
        length = (int)Math.Max(0, read);
        return read >= 0 ? 0 : LibC.errno;
    }

    /// <summary>/proc/sys files take a whole value per write at offset 0; pwrite would be refused.</summary>
    public static int Write(int fd, ReadOnlySpan<byte> data, out int written)
    {
        long result = LinuxFs.write(fd, data);
        written = (int)Math.Max(0, result);
        return result >= 0 ? 0 : LibC.errno;
    }

    /// <summary>Closes a descriptor the shim only read from or passed through; there is nothing to report.</summary>
    public static void Close(int fd) => _ = LibC.close(fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint opendir(string path);

    [LibraryImport("libc", SetLastError = true)]
    private static partial DirEnt64* readdir64(nint directory);

    [LibraryImport("libc")]
    private static partial int closedir(nint directory);
}
