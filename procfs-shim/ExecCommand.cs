using System.Diagnostics;
using ProcfsShim.Fuse;
using Tmds.Linux;

namespace ProcfsShim;

/// <summary>
/// <c>procfs-shim exec -- COMMAND</c>: runs COMMAND in a private mount namespace whose /proc is a
/// pass-through of the real one plus net/ip_cluster, so a legacy script's literal
/// <c>cat /proc/net/ip_cluster</c> works. The host's /proc is never touched: the child unshares its
/// mount namespace and mounts there, with the /dev/fuse descriptor this server holds, which it then
/// closes: COMMAND does not inherit it (a process holding it could read the file system's requests,
/// and would keep the connection open after this server ended).
/// </summary>
public static class ExecCommand
{
    /// <param name="trace">Where --debug's lines go; null without it.</param>
    public static int Run(string[] command, string socketPath, Action<string>? trace)
    {
        int fd = LinuxFs.open("/dev/fuse", LibC.O_RDWR); // inherited by the child, which mounts with it, then closes it
        if (fd < 0)
        {
            Console.Error.WriteLine($"procfs-shim: cannot open /dev/fuse: {LinuxFs.Describe(LinuxFs.LastError)}");
            return 1;
        }
        using var device = FuseDevice.Adopt(fd, "/proc");
        var server = new Thread(() => new FuseSession<string>(device, new ProcFileSystem(socketPath), trace).Run()) { IsBackground = true, Name = "fuse" };
        server.Start();

        // bash, not sh: dash cannot name a descriptor above 9 in a redirection, and this one may well be.
        const string MountThenRun =
            "mount -i -t fuse.procfs-shim -o fd=$0,rootmode=40000,user_id=0,group_id=0,allow_other procfs-shim /proc || exit 125; eval \"exec $0<&-\"; exec \"$@\"";
        var start = new ProcessStartInfo("unshare", ["--mount", "--propagation", "private", "bash", "-c", MountThenRun, fd.ToString(), .. command])
        {
            UseShellExecute = false,
        };
        try
        {
            using var child = Process.Start(start)!;
            child.WaitForExit();
            return child.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"procfs-shim: cannot run unshare: {e.Message}");
            return 1;
        }
    }
}
