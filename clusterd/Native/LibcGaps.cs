using System.Runtime.InteropServices;
using Tmds.Linux;

namespace Clusterd.Native;

/// <summary>
/// Calls Tmds.LibC 0.5.0 lacks or declares without saving errno, over its structs (so layouts are
/// still each architecture's own): recvmmsg is missing, and its poll does not keep errno, which the
/// netlink socket reads to retry on EINTR.
/// </summary>
internal static unsafe partial class LibcGaps
{
    [LibraryImport("libc", SetLastError = true)]
    public static partial int recvmmsg(int fd, mmsghdr* messages, uint count, int flags, timespec* timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(pollfd* fds, nuint count, int timeoutMs);
}
