namespace ProcfsShim.Fuse;

/// <summary>A file system whose files can be opened; the session keeps the open file under the handle the kernel is given.</summary>
public interface IFuseFileOpener<TNode> where TNode : notnull
{
    /// <param name="flags">open(2) flags; a read-only file refuses write access.</param>
    /// <param name="callerPid">The calling process, for files whose content depends on who asks.</param>
    /// <param name="file">The open file when the result is 0.</param>
    int Open(TNode node, uint flags, uint callerPid, out IFuseFile? file);
}
