namespace ProcfsShim.Fuse;

/// <summary>An open file that takes writes; a WRITE to any other file is answered EBADF.</summary>
public interface IFuseWritableFile : IFuseFile
{
    int Write(ulong offset, ReadOnlySpan<byte> data, out int written);
}
