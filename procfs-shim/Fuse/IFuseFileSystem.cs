namespace ProcfsShim.Fuse;

/// <summary>
/// What every file system served by <see cref="FuseSession{TNode}"/> can do: name its root, find a
/// name in a directory, and describe a node. A node is the file system's own value (a path, an enum
/// member) compared by equality; the session maps it to the node ids the kernel sees and keeps it
/// while the kernel holds it (<see cref="NodeTable{TNode}"/>). Everything else is a capability
/// the file system implements or not (<see cref="IFuseFileOpener{TNode}"/>,
/// <see cref="IFuseDirectoryLister{TNode}"/>, <see cref="IFuseLinkReader{TNode}"/>,
/// <see cref="IFuseTruncator{TNode}"/>); a request for a missing one is answered ENOSYS, or EROFS
/// if it would change something. Results are 0 or a positive errno. Calls come from several
/// threads at once.
/// </summary>
public interface IFuseFileSystem<TNode> where TNode : notnull
{
    TNode Root { get; }

    int Lookup(TNode parent, string name, out TNode child, out FuseAttr attr);

    /// <summary>The attributes, with <see cref="FuseAttr.Ino"/> the file system's inode number (st_ino), not the kernel's node id.</summary>
    int GetAttr(TNode node, out FuseAttr attr);
}
