namespace ProcfsShim.Fuse;

/// <summary>A file system with directories to list (OPENDIR, READDIR).</summary>
public interface IFuseDirectoryLister<TNode> where TNode : notnull
{
    /// <summary>The entries of a directory, "." and ".." included; an error (ENOTDIR) for anything else.</summary>
    int List(TNode directory, out IReadOnlyList<DirectoryEntry> entries);
}
