namespace Clusterd.Kernel.Nftables;

/// <summary>
/// What fills the queue chain, the one chain the rendered rules send new clustered connections to:
/// in clusterd the NFQUEUE rule (<see cref="QueueTargetRule"/>), which <c>KernelDataPlane</c> is
/// given rather than makes, so that another target or a stand-in can take its place.
/// </summary>
public interface IQueueTarget
{
    /// <summary>Makes the target the only content of <paramref name="chain"/> in <paramref name="table"/>, in one transaction.</summary>
    /// <exception cref="Core.KernelRefusedException">The kernel refused it; the chain is as it was.</exception>
    void Replace(string table, string chain);
}
