using System.Runtime.InteropServices;

namespace TestSupport;

/// <summary>Signals for the processes tests start (Process.Kill only knows SIGKILL).</summary>
public static partial class Signals
{
    public const int SIGTERM = 15;

    public static void Send(int pid, int signal) => kill(pid, signal);

    [LibraryImport("libc")]
    private static partial int kill(int pid, int signal);
}
