namespace ProcfsShim.Fuse;

/// <summary>
/// The file-system side of a FUSE server: what the protocol layer (<see cref="FuseSession"/>) asks
/// about nodes. Results are 0 or a positive errno.
/// </summary>
public interface IFuseFileSystem
{
    int Lookup(ulong parent, string name, out FuseAttr attr);
    int GetAttr(ulong node, out FuseAttr attr);
    /// <summary>The entries of a directory, "." and ".." included.</summary>
    int List(ulong directory, out IReadOnlyList<DirectoryEntry> entries);
    /// <param name="flags">open(2) flags; a read-only file system refuses write access.</param>
    /// <param name="callerPid">The calling process, for files whose content depends on who asks.</param>
    int Open(ulong node, uint flags, uint callerPid, out ulong handle);
    int Read(ulong handle, ulong offset, Span<byte> destination, out int length);
    int Write(ulong handle, ulong offset, ReadOnlySpan<byte> data, out int written);
    /// <summary>setattr with a size: only truncation to 0, as a shell's "&gt;" redirection asks.</summary>
    int Truncate(ulong node, out FuseAttr attr);
    int ReadLink(ulong node, uint callerPid, out string target);
    void Release(ulong handle);
}

public readonly record struct DirectoryEntry(ulong Ino, string Name, uint Type)
{
    public const uint Directory = 4, Regular = 8, Link = 10;
}
