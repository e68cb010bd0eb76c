using System.Runtime.InteropServices;

namespace TestSupport;

/// <summary>Signals for the processes tests start (Process.Kill only knows SIGKILL).</summary>
public static partial class Signals
{
    public const int SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19;

    /// <summary>Sends <paramref name="signal"/>; a process already gone is no error for a test.</summary>
    public static void Send(int pid, int signal) => _ = kill(pid, signal);

    [LibraryImport("libc")]
    private static partial int kill(int pid, int signal);
}
