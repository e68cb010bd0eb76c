using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace TestSupport;

/// <summary>
/// A real clusterd for one test: its own socket and state directory under a fresh temporary folder,
/// and its own network namespace (a throwaway one from <c>unshare --net</c>, or a named lab
/// namespace), so it never touches the machine's own firewall. Ended by PID on dispose.
/// </summary>
public sealed class ClusterdProcess : IDisposable
{
    private Process? _process;
    private readonly StringBuilder _log = new();
    private readonly string? _netns;
    private readonly string[] _extraArgs;

    public string Directory { get; }
    public string SocketPath => Path.Combine(Directory, "clusterd.sock");
    public string StateDirectory => Path.Combine(Directory, "state");
    public string StateFile => Path.Combine(StateDirectory, "state.json");

    /// <summary>Environment that points the commands at this daemon.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string>
    {
        ["CLUSTERD_SOCKET"] = SocketPath,
    };

    /// <summary>Everything clusterd wrote to stderr so far.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    public int Pid => _process?.Id ?? throw new InvalidOperationException("not running");

    public ClusterdProcess(string? netns = null, params string[] extraArgs)
    {
        _netns = netns;
        _extraArgs = extraArgs;
        Directory = System.IO.Directory.CreateTempSubdirectory("ipc-clusterd-").FullName;
        File.SetUnixFileMode(Directory, (UnixFileMode)0b111_101_101); // let non-root test clients reach the socket
    }

    public static ClusterdProcess StartNew(string? netns = null, params string[] extraArgs)
    {
        var daemon = new ClusterdProcess(netns, extraArgs);
        try
        {
            daemon.Start();
            return daemon;
        }
        catch
        {
            daemon.Dispose();
            throw;
        }
    }

    public void Start()
    {
        var args = new List<string>();
        string file;
        if (_netns is null)
        {
            file = "unshare";
            args.AddRange(["--net", "--", Binaries.Clusterd]);
        }
        else
        {
            file = "ip";
            args.AddRange(["netns", "exec", _netns, Binaries.Clusterd]);
        }
        args.AddRange(["--socket", SocketPath, "--state-dir", StateDirectory]);
        args.AddRange(_extraArgs);
        int logBefore;
        lock (_log) logBefore = _log.Length;
        var process = new Process { StartInfo = CommandRunner.StartInfo(file, args) };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        WaitUntilAnswering(logBefore);
    }

    /// <summary>Stops with SIGTERM, as a service manager would, and waits for a clean exit.</summary>
    public int Stop()
    {
        if (_process is not { HasExited: false } process) return _process?.ExitCode ?? 0;
        Signals.Send(process.Id, Signals.SIGTERM);
        if (!process.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            process.Kill();
            throw new TimeoutException("clusterd did not stop on SIGTERM\n" + Log);
        }
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Kills with SIGKILL: no clean-up runs, as in a crash.</summary>
    public void Kill()
    {
        if (_process is not { HasExited: false } process) return;
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Runs clconfig against this daemon (its socket, from the host, not its namespace).</summary>
    public CommandResult Clconfig(params string[] args) => CommandRunner.Run(Binaries.Clconfig, args, ClientEnvironment);

    /// <summary>
    /// Runs <c>clusterd --cleanup</c> with this daemon's socket and state directory in its lab
    /// namespace, as an administrator tearing the front-end down would.
    /// </summary>
    public CommandResult Cleanup() =>
        CommandRunner.Run("ip", ["netns", "exec", _netns ?? throw new InvalidOperationException("cleanup needs a named namespace"),
            Binaries.Clusterd, "--socket", SocketPath, "--state-dir", StateDirectory, "--cleanup"]);

    /// <summary>
    /// Runs clusterd with <paramref name="options"/> in a throwaway network namespace, its socket and
    /// state under <paramref name="directory"/>, until it exits: for options refused before it serves.
    /// </summary>
    public static CommandResult RunUntilExit(string directory, params string[] options) =>
        CommandRunner.Run("unshare", ["--net", "--", Binaries.Clusterd, "--socket", Path.Combine(directory, "s"),
            "--state-dir", Path.Combine(directory, "state"), .. options], timeout: TimeSpan.FromSeconds(30));

    /// <summary>clusterd's resident memory now, in KiB (VmRSS of /proc/PID/status).</summary>
    public long ResidentKilobytes()
    {
        string line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    public bool HasExited => _process?.HasExited ?? true;

    /// <summary>
    /// Waits until the socket accepts and this start's "listening on" line has come through the
    /// asynchronous stderr reader: stderr is ordered, so whatever clusterd logged before serving (a
    /// corrupt state file, say) is then in <see cref="Log"/> too.
    /// </summary>
    private void WaitUntilAnswering(int logBefore)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process!.HasExited)
                throw new InvalidOperationException($"clusterd exited with {_process.ExitCode}\n{Log}");
            if (File.Exists(SocketPath))
            {
                using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    probe.Connect(new UnixDomainSocketEndPoint(SocketPath));
                    if (HasLoggedListening(logBefore)) return;
                }
                catch (SocketException) { }
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException("clusterd did not open its socket\n" + Log);
    }

    private bool HasLoggedListening(int logBefore)
    {
        lock (_log) return _log.ToString(logBefore, _log.Length - logBefore).Contains("clusterd: listening on ");
    }

    public void Dispose()
    {
        try { Kill(); } catch (InvalidOperationException) { }
        _process?.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
