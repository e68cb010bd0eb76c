using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bench;

/// <summary>
/// New connections per second: <c>concurrency</c> workers each loop connect → read the server's
/// greeting → close, for a fixed time. Connect latency is the time from connect() to established.
/// </summary>
public static class ConnectionRate
{
    public sealed record Result(long Connections, long Failures, double Seconds, double P50Ms, double P99Ms)
    {
        public double PerSecond => Connections / Seconds;

        public override string ToString() =>
            $"connections {Connections} failures {Failures} seconds {Seconds:F2} cps {PerSecond:F0} p50_ms {P50Ms:F3} p99_ms {P99Ms:F3}";
    }

    public static Result Run(IPEndPoint target, TimeSpan duration, int concurrency)
    {
        var latencies = new List<double>[concurrency];
        long failures = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
        {
            var mine = latencies[i] = new List<double>(4096);
            var buffer = new byte[256];
            while (clock.Elapsed < duration)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.LingerState = new LingerOption(true, 0); // RST on close: no TIME_WAIT pile-up on the client
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                    await socket.ConnectAsync(target, timeout.Token);
                    double connectMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) <= 0) throw new IOException("no greeting");
                    mine.Add(connectMs);
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();
        Task.WaitAll(workers);
        double seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(all.Length, failures, seconds, Quantile(all, 0.5), Quantile(all, 0.99));
    }

    private static double Quantile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}
