using Clusterd.Core;

namespace Clusterd.Kernel.Netlink;

/// <summary>
/// The kernel layer's error boundary (docs/ARCHITECTURE.md, "Errors"): a netlink call that failed
/// (<see cref="NetlinkException"/>, with the kernel's errno) or a kernel file that could not be read
/// or written (/proc/sys) becomes the core's <see cref="KernelRefusedException"/>, saying what was
/// being done and why it failed.
/// </summary>
public static class KernelCall
{
    /// <param name="doing">What the call does, as the message begins: "reading conntrack".</param>
    public static T Run<T>(string doing, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is NetlinkException or IOException or UnauthorizedAccessException)
        {
            throw new KernelRefusedException($"{doing}: {e.Message}");
        }
    }

    public static void Run(string doing, Action call) =>
        Run(doing, () =>
        {
            call();
            return true;
        });
}
