using System.Runtime.InteropServices;
using Tmds.Linux;

namespace Clusterd.Native;

/// <summary>
/// Calls Tmds.LibC 0.5.0 lacks or declares without saving errno, over its structs (so layouts are
/// still each architecture's own): recvmmsg is missing, and its poll does not keep errno, which the
/// netlink socket reads to retry on EINTR; sched_setscheduler is missing.
/// </summary>
internal static unsafe partial class LibcGaps
{
    [LibraryImport("libc", SetLastError = true)]
    public static partial int recvmmsg(int fd, mmsghdr* messages, uint count, int flags, timespec* timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(pollfd* fds, nuint count, int timeoutMs);

    /// <summary>The same value on every Linux architecture.</summary>
    public const int SCHED_FIFO = 1;

    /// <summary>struct sched_param: the priority alone.</summary>
    public struct sched_param
    {
        public int sched_priority;
    }

    /// <summary>With <paramref name="pid"/> 0, sets the calling thread's policy (Linux schedules threads, not processes).</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int sched_setscheduler(int pid, int policy, sched_param* param);
}
