using System.Runtime.InteropServices;

namespace TestSupport;

/// <summary>
/// Runs code inside a named network namespace without starting a process: a dedicated thread
/// enters the namespace (setns affects only the calling thread) and runs the code there. Sockets
/// created on that thread belong to the namespace for life and may be used from any thread.
/// </summary>
public static partial class NetworkNamespace
{
    private const int CLONE_NEWNET = 0x40000000;

    public static T Run<T>(string name, Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{name}");
                if (setns((int)handle.DangerousGetHandle(), CLONE_NEWNET) != 0)
                    throw new IOException($"setns {name}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new AggregateException($"in network namespace {name}", failure);
        return result;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);
}
