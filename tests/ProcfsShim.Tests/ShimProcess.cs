using System.Diagnostics;
using System.Text;
using TestSupport;

namespace ProcfsShim.Tests;

/// <summary>A real procfs-shim mounted on a fresh directory; unmounted and ended by PID on dispose.</summary>
public sealed class ShimProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public string MountPoint { get; }
    public string FilePath => Path.Combine(MountPoint, "ip_cluster");
    public string Log { get { lock (_log) return _log.ToString(); } }

    public ShimProcess(string socketPath, string? mountPoint = null)
    {
        MountPoint = mountPoint ?? Directory.CreateTempSubdirectory("ipc-shim-").FullName;
        _process = new Process { StartInfo = CommandRunner.StartInfo(Binaries.ProcfsShim, ["--mount", MountPoint, "--socket", socketPath]) };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.Start();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (!Log.Contains("serving "))
        {
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(20))
                throw new InvalidOperationException("procfs-shim did not mount\n" + Log);
            Thread.Sleep(20);
        }
    }

    public bool IsMounted => File.ReadAllText("/proc/self/mountinfo").Contains(" " + MountPoint + " ");

    /// <summary>SIGTERM, and the exit status.</summary>
    public int Terminate()
    {
        Signals.Send(_process.Id, Signals.SIGTERM);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10))) throw new TimeoutException("procfs-shim ignored SIGTERM\n" + Log);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the mount is left behind, as after a crash.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        CommandRunner.Run("umount", "-l", MountPoint);
        try { Directory.Delete(MountPoint); } catch (IOException) { }
    }
}
