using System.Runtime.InteropServices;
using Clusterd.Native;

namespace Clusterd.Kernel.Queue;

/// <summary>
/// Puts the calling thread under SCHED_FIFO at a priority (<c>clusterd --queue-priority</c>), so a
/// queued packet's verdict does not wait for other threads' time slices on a busy machine. A queue
/// thread spends its time blocked in recv, so it takes the core only while it has packets to decide.
/// </summary>
public static class RealTimePriority
{
    /// <summary>Sets the calling thread's policy; the kernel's refusal (no CAP_SYS_NICE, a real-time limit) is returned, null when applied.</summary>
    public static unsafe string? TryApplyToCurrentThread(int priority)
    {
        var parameters = new LibcGaps.sched_param { sched_priority = priority };
        if (LibcGaps.sched_setscheduler(0, LibcGaps.SCHED_FIFO, &parameters) == 0) return null;
        return Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
    }
}
