using System.Runtime.InteropServices;
using System.Text.Json;
using ClusterControl;

namespace Clconfig;

/// <summary>
/// <c>clconfig -watch</c>: asks clusterd for the nodes' figures (<see cref="ControlOp.Rate"/>) every
/// second and shows them. On a terminal it draws on the alternate screen and quits on q or Ctrl-C,
/// giving the terminal back as it was; when stdout is not a terminal it prints each frame as plain
/// lines, a blank line between frames, until interrupted.
/// </summary>
public static class LiveView
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    private const string EnterScreen = "\e[?1049h\e[?25l", LeaveScreen = "\e[?25h\e[?1049l", Home = "\e[H", ClearLine = "\e[K", ClearRest = "\e[J";

    /// <param name="fail">Prints a refusal and gives the exit status.</param>
    public static int Run(string? pool, Func<string, int> fail)
    {
        using var stopping = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopping.Cancel();
        }
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        bool terminal = !Console.IsOutputRedirected;
        bool keys = terminal && !Console.IsInputRedirected;
        if (keys) Console.TreatControlCAsInput = true; // Ctrl-C arrives as a key, and quits like q
        if (terminal) Console.Out.Write(EnterScreen);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var started = DateTime.UtcNow;
                var (report, refusal) = Fetch(pool);
                if (report is null) return fail(refusal!);
                var lines = WatchScreen.Lines(report, DateTime.Now);
                if (terminal) Draw(lines);
                else Console.Out.Write(string.Join('\n', lines) + "\n\n");
                Console.Out.Flush();
                if (WaitForQuit(started + Refresh, keys, stopping.Token)) break;
            }
            return 0;
        }
        finally
        {
            if (terminal)
            {
                Console.Out.Write(LeaveScreen);
                Console.Out.Flush();
            }
        }
    }

    /// <summary>The nodes' figures, or why clusterd refused them.</summary>
    /// <exception cref="ControlUnreachableException">clusterd cannot be reached or stopped answering.</exception>
    private static (RateReport? Report, string? Refusal) Fetch(string? pool)
    {
        using var client = ControlClient.Connect(ControlProtocol.SocketPath());
        var answer = client.Send(new ControlRequest { Op = ControlOp.Rate, Pool = pool, Format = OutputFormat.Json });
        if (!answer.Ok) return (null, answer.Message ?? answer.Error.ToString());
        using var body = new MemoryStream();
        client.CopyBodyTo(body);
        try
        {
            return (JsonSerializer.Deserialize(body.ToArray(), ControlJson.Default.RateReport), "clusterd sent no figures");
        }
        catch (JsonException e)
        {
            return (null, $"clusterd sent figures clconfig cannot read: {e.Message}");
        }
    }

    /// <summary>Redraws from the top left, each line cut to the terminal's width and the rest of the screen cleared.</summary>
    private static void Draw(List<string> lines)
    {
        int width = 80, height = lines.Count;
        try
        {
            (width, height) = (Console.WindowWidth, Console.WindowHeight);
        }
        catch (IOException)
        {
        }
        var frame = new System.Text.StringBuilder(Home);
        foreach (string line in lines.Take(Math.Max(1, height)))
            frame.Append(line.Length > width ? line[..width] : line).Append(ClearLine).Append("\r\n");
        Console.Out.Write(frame.Append(ClearRest).ToString());
    }

    /// <summary>Waits until <paramref name="until"/>, watching for q or Ctrl-C; true when the user quit.</summary>
    private static bool WaitForQuit(DateTime until, bool keys, CancellationToken stopping)
    {
        while (DateTime.UtcNow < until && !stopping.IsCancellationRequested)
        {
            while (keys && Console.KeyAvailable)
            {
                var key = Console.ReadKey(intercept: true);
                if (key.KeyChar is 'q' or 'Q' or '\x03' || (key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control))) return true;
            }
            stopping.WaitHandle.WaitOne(50);
        }
        return stopping.IsCancellationRequested;
    }
}
