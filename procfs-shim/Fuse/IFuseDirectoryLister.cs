namespace ProcfsShim.Fuse;

/// <summary>A file system with directories to list: once per OPENDIR; the session serves READDIR's chunks from that listing.</summary>
public interface IFuseDirectoryLister<TNode> where TNode : notnull
{
    /// <summary>The entries of a directory, "." and ".." included; an error (ENOTDIR) for anything else.</summary>
    int List(TNode directory, out IReadOnlyList<DirectoryEntry> entries);
}
