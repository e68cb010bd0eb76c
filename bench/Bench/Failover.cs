using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bench;

/// <summary>
/// The client side of a front-end failover, driven line by line on stdin by a test or the demo:
/// holds connections that stream all the time (a line every <see cref="StreamPause"/>, echoed by the
/// node's greeter) and measures the longest wait for an echo and how many connections broke;
/// meanwhile it can probe with new connections and measure the longest time none succeeded.
/// </summary>
/// <remarks>
/// Output lines: <c>ready NODE COUNT ...</c> once the held connections are open;
/// <c>opened NODE COUNT ...</c> after <c>open N</c>; <c>result broken B longest_gap_ms G outage_ms O probes P broken_on NODE COUNT ...</c>, and
/// when any broke <c>broken_ports PORT,...</c> (the client's), <c>broken_how PORT:HOW:LAST_ECHO_MS:BROKEN_MS,...</c> (a socket
/// error, <c>closed</c> by the node, or <c>no_echo</c>; the times on the client's clock) and <c>clock_ms NOW</c>,
/// after <c>stop</c> (a connection counts as broken when it failed or its echo was still missing <see cref="GiveUp"/> after it was due).
/// Commands: <c>probe</c> starts the new-connection probe, <c>report</c> prints
/// <c>report broken B longest_gap_ms G outage_ms O gaps PORT:MS,...</c> (each held connection's longest
/// wait, by the client's port) for the time since the last report and starts measuring anew, <c>open N</c> ends the probe (<c>probe</c> starts another) and opens N more held (not streaming) connections,
/// <c>stop</c> ends everything and reports.
/// </remarks>
public static class Failover
{
    private static readonly TimeSpan StreamPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ProbePause = TimeSpan.FromMilliseconds(50);
    /// <summary>An echo this late means the connection is lost for good (TCP would be retrying for minutes).</summary>
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(10);

    public static int Run(IPEndPoint target, int held)
    {
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var sockets = new List<Socket>();
        var nodes = new SortedDictionary<string, int>();
        var nodeOf = new List<string>();
        for (int i = 0; i < held; i++)
        {
            sockets.Add(Open(target, nodes, out string node));
            nodeOf.Add(node);
        }
        Console.WriteLine("ready " + Totals(nodes));
        var ports = sockets.Select(socket => ((IPEndPoint)socket.LocalEndPoint!).Port).ToList();
        var states = sockets.Select(_ => new StreamState()).ToList();
        var streams = sockets.Select((s, i) => Task.Run(() => Stream(s, states[i], clock, stop.Token))).ToList();
        Probe? probe = null;
        var extra = new List<Socket>();
        string? line;
        while ((line = Console.ReadLine()) is not null && line != "stop")
        {
            if (line == "probe") probe ??= new Probe(target, clock);
            else if (line == "report")
            {
                // So far: a stream still waiting counts its wait as a gap; the probe's figures restart.
                var now = clock.Elapsed;
                int failed = states.Count(s => s.Failed);
                var soFar = states.Select(s => s.LongestSoFar(now).TotalMilliseconds).ToList();
                var gapsByPort = soFar.Select((gap, i) => $"{ports[i]}:{gap:F0}");
                Console.WriteLine($"report broken {failed} longest_gap_ms {soFar.DefaultIfEmpty(0).Max():F0} outage_ms {probe?.LongestOutage.TotalMilliseconds ?? 0:F0} gaps {string.Join(",", gapsByPort)}");
                foreach (var state in states) state.Restart();
                probe?.Restart(clock);
            }
            else if (line.StartsWith("open ", StringComparison.Ordinal))
            {
                probe?.Stop();
                probe = null; // the probe's connections would count on the nodes too
                var opened = new SortedDictionary<string, int>();
                for (int i = int.Parse(line[5..]); i > 0; i--) extra.Add(Open(target, opened, out _));
                Console.WriteLine("opened " + Totals(opened));
            }
        }
        probe?.Stop();
        stop.Cancel();
        var gaps = streams.Select(t => t.Result).ToList();
        int broken = gaps.Count(g => g is null);
        double longest = gaps.Where(g => g is not null).Select(g => g!.Value.TotalMilliseconds).DefaultIfEmpty(0).Max();
        var brokenOn = new SortedDictionary<string, int>();
        var brokenPorts = new List<int>();
        var breakages = new List<string>();
        for (int i = 0; i < gaps.Count; i++)
        {
            if (gaps[i] is not null) continue;
            brokenOn[nodeOf[i]] = brokenOn.GetValueOrDefault(nodeOf[i]) + 1;
            brokenPorts.Add(ports[i]);
            breakages.Add($"{ports[i]}:{states[i].Breakage}");
        }
        Console.WriteLine($"result broken {broken} longest_gap_ms {longest:F0} outage_ms {probe?.LongestOutage.TotalMilliseconds ?? 0:F0} probes {probe?.Successes ?? 0} broken_on {Totals(brokenOn)}"
                          + (brokenPorts.Count > 0 ? $" broken_ports {string.Join(",", brokenPorts)} broken_how {string.Join(",", breakages)} clock_ms {clock.ElapsedMilliseconds}" : ""));
        foreach (var socket in sockets.Concat(extra)) socket.Dispose();
        return 0;
    }

    private static Socket Open(IPEndPoint target, SortedDictionary<string, int> nodes, out string node)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000, NoDelay = true };
        socket.Connect(target);
        var buffer = new byte[128];
        node = Encoding.ASCII.GetString(buffer, 0, socket.Receive(buffer)).Split(' ', '\n')[0];
        nodes[node] = nodes.GetValueOrDefault(node) + 1;
        return socket;
    }

    private static string Totals(SortedDictionary<string, int> nodes) => string.Join(" ", nodes.Select(n => $"{n.Key} {n.Value}"));

    /// <summary>One stream's figures, read by the command loop while the stream runs.</summary>
    private sealed class StreamState
    {
        private readonly Lock _gate = new();
        private TimeSpan _longest;
        private TimeSpan? _waitingSince;

        public bool Failed { get; private set; }

        public void Sent(TimeSpan at)
        {
            lock (_gate) _waitingSince = at;
        }

        public void Echoed(TimeSpan at)
        {
            lock (_gate)
            {
                if (_waitingSince is { } sent && at - sent > _longest) _longest = at - sent;
                _waitingSince = null;
                _lastEcho = at;
            }
        }

        /// <summary>How the connection broke, for the result line: the error, and the client's clock at the last echo and at the end (ms).</summary>
        public string? Breakage { get; private set; }

        private TimeSpan _lastEcho;

        public void Fail(string how, TimeSpan at)
        {
            lock (_gate)
            {
                Failed = true;
                Breakage = $"{how}:{_lastEcho.TotalMilliseconds:F0}:{at.TotalMilliseconds:F0}";
            }
        }

        public TimeSpan LongestSoFar(TimeSpan now)
        {
            lock (_gate) return _waitingSince is { } sent && now - sent > _longest ? now - sent : _longest;
        }

        public void Restart()
        {
            lock (_gate) _longest = TimeSpan.Zero;
        }
    }

    /// <summary>Streams until cancelled; the longest wait for an echo, or null when the connection broke.</summary>
    private static async Task<TimeSpan?> Stream(Socket socket, StreamState state, Stopwatch clock, CancellationToken stop)
    {
        var buffer = new byte[256];
        long sequence = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                state.Sent(clock.Elapsed);
                await socket.SendAsync(Encoding.ASCII.GetBytes($"{++sequence}\n"), SocketFlags.None);
                using var patience = new CancellationTokenSource(GiveUp);
                if (await socket.ReceiveAsync(buffer, SocketFlags.None, patience.Token) == 0)
                {
                    state.Fail("closed", clock.Elapsed);
                    return null;
                }
                state.Echoed(clock.Elapsed);
                try { await Task.Delay(StreamPause, stop); } catch (OperationCanceledException) { return state.LongestSoFar(clock.Elapsed); }
            }
        }
        catch (SocketException e)
        {
            state.Fail(e.SocketErrorCode.ToString(), clock.Elapsed);
            return null;
        }
        catch (OperationCanceledException)
        {
            state.Fail("no_echo", clock.Elapsed);
            return null;
        }
        // Stopped between two lines (the pause had just ended as the stop came): not broken.
        return state.LongestSoFar(clock.Elapsed);
    }

    /// <summary>New connections one after another: the longest time between two that succeeded.</summary>
    private sealed class Probe
    {
        private readonly Thread _thread;
        private volatile bool _stopping;

        public TimeSpan LongestOutage { get; private set; }
        public int Successes { get; private set; }

        private TimeSpan _last;

        /// <summary>Starts a new measurement from now: the outage so far is forgotten.</summary>
        public void Restart(Stopwatch clock)
        {
            _last = clock.Elapsed;
            LongestOutage = TimeSpan.Zero;
        }

        public Probe(IPEndPoint target, Stopwatch clock)
        {
            _thread = new Thread(() => Run(target, clock)) { IsBackground = true };
            _thread.Start();
        }

        private void Run(IPEndPoint target, Stopwatch clock)
        {
            _last = clock.Elapsed;
            while (!_stopping)
            {
                if (TryOnce(target))
                {
                    var now = clock.Elapsed;
                    if (now - _last > LongestOutage) LongestOutage = now - _last;
                    _last = now;
                    Successes++;
                }
                Thread.Sleep(ProbePause);
            }
        }

        private static bool TryOnce(IPEndPoint target)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 300 };
            try
            {
                using var patience = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                socket.ConnectAsync(target, patience.Token).AsTask().GetAwaiter().GetResult();
                return socket.Receive(new byte[128]) > 0;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                return false;
            }
        }

        public void Stop()
        {
            _stopping = true;
            _thread.Join();
        }
    }
}
