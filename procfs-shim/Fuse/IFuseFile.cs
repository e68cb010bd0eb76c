namespace ProcfsShim.Fuse;

/// <summary>An open file; disposed at RELEASE.</summary>
public interface IFuseFile : IDisposable
{
    int Read(ulong offset, Span<byte> destination, out int length);
}
