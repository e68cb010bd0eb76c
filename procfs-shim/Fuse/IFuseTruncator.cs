namespace ProcfsShim.Fuse;

/// <summary>A file system whose files can be truncated to 0 (SETATTR with a size), as a shell's "&gt;" redirection asks.</summary>
public interface IFuseTruncator<TNode> where TNode : notnull
{
    int Truncate(TNode node, out FuseAttr attr);
}
