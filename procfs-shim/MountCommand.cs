using System.Runtime.InteropServices;
using ProcfsShim.Fuse;

namespace ProcfsShim;

/// <summary><c>procfs-shim --mount DIR</c>: serves DIR/ip_cluster in the foreground until SIGTERM or SIGINT.</summary>
public static class MountCommand
{
    /// <param name="trace">Where --debug's lines go; null without it.</param>
    public static int Run(string mountPoint, string socketPath, Action<string>? trace)
    {
        try
        {
            if (FuseDevice.RecoverStale(mountPoint)) Log($"detached a stale mount at {mountPoint}");
            Directory.CreateDirectory(mountPoint);
            using var device = FuseDevice.Mount(mountPoint, "procfs-shim");
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                device.Unmount();
            }
            Log($"serving {Path.Combine(mountPoint, StatusFileSystem.FileName)} from clusterd at {socketPath}");
            new FuseSession<StatusFileSystem.Node>(device, new StatusFileSystem(socketPath), trace).Run();
            device.Unmount();
            Log("unmounted");
            return 0;
        }
        catch (IOException e)
        {
            Log(e.Message);
            return 1;
        }
    }

    private static void Log(string message) => Console.Error.WriteLine("procfs-shim: " + message);
}
