using ProcfsShim.Fuse;

namespace ProcfsShim;

/// <summary>A real /proc file open on behalf of a reader: reads and writes go to its descriptor.</summary>
public sealed class PassThroughFile(int fd) : IFuseWritableFile
{
    public int Read(ulong offset, Span<byte> destination, out int length) => PosixFiles.PRead(fd, destination, (long)offset, out length);

    public int Write(ulong offset, ReadOnlySpan<byte> data, out int written) => PosixFiles.Write(fd, data, out written);

    public void Dispose() => PosixFiles.Close(fd);
}
