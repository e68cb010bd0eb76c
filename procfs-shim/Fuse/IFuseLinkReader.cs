namespace ProcfsShim.Fuse;

/// <summary>A file system with symbolic links (READLINK).</summary>
public interface IFuseLinkReader<TNode> where TNode : notnull
{
    /// <param name="callerPid">The calling thread, for links that name who asks (/proc/self).</param>
    int ReadLink(TNode node, uint callerPid, out string target);
}
