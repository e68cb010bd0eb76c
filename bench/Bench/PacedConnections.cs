using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bench;

/// <summary>
/// A fixed number of connections (connect, read the greeting, close) started at a fixed pace well
/// below saturation, so what they cost and how long each takes does not depend on what else shares
/// the cores. Reports the whole machine's busy CPU time over the run (<see cref="MachineCpu"/>;
/// bench/run subtracts the same load sent straight to a node), that of the front-end's core when
/// one is named, and the connect latency quantiles.
/// </summary>
public static class PacedConnections
{
    /// <summary>Enough workers that a slow connection does not hold the pace back; each one blocks on its own connection.</summary>
    private const int Workers = 8;

    public sealed record Result(long Connections, long Failures, double Seconds, double MachineCpuMs, double? CoreCpuMs, double P50Us, double P99Us)
    {
        public override string ToString() =>
            $"connections {Connections} failures {Failures} seconds {Seconds:F2} cpu_ms {MachineCpuMs:F0} " +
            $"cpu_us_per_connection {PerConnection(MachineCpuMs):F1} " +
            (CoreCpuMs is { } core ? $"core_cpu_us_per_connection {PerConnection(core):F1} " : "") +
            $"p50_us {P50Us:F0} p99_us {P99Us:F0}";

        private double PerConnection(double milliseconds) => milliseconds * 1000 / Math.Max(1, Connections);
    }

    /// <param name="frontEndCore">The core the front-end's work is kept to, whose busy time is reported too; null: none.</param>
    public static Result Run(IPEndPoint target, int perSecond, int count, int? frontEndCore = null)
    {
        var latencies = new double[count];
        long next = -1, failures = 0;
        double cpuBefore = MachineCpu.BusyMilliseconds();
        double coreBefore = frontEndCore is { } core ? MachineCpu.BusyMilliseconds(core) : 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Workers).Select(_ => new Thread(() =>
        {
            long slot;
            while ((slot = Interlocked.Increment(ref next)) < count)
            {
                var due = TimeSpan.FromSeconds((double)slot / perSecond);
                var early = due - clock.Elapsed;
                if (early > TimeSpan.Zero) Thread.Sleep(early); // sleeping, not spinning: the wait costs the machine nothing
                latencies[slot] = Connect(target);
                if (double.IsNaN(latencies[slot])) Interlocked.Increment(ref failures);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        double seconds = clock.Elapsed.TotalSeconds;
        double cpuMs = MachineCpu.BusyMilliseconds() - cpuBefore;
        double? coreMs = frontEndCore is { } n ? MachineCpu.BusyMilliseconds(n) - coreBefore : null;
        var connected = latencies.Where(l => !double.IsNaN(l)).Order().ToArray();
        return new Result(connected.Length, failures, seconds, cpuMs, coreMs, Quantile(connected, 0.5), Quantile(connected, 0.99));
    }

    /// <summary>Microseconds from connect() to established, or NaN when the connection or its greeting failed.</summary>
    private static double Connect(IPEndPoint target)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            ReceiveTimeout = 3000,
            LingerState = new LingerOption(true, 0), // RST on close: no TIME_WAIT pile-up on the client
        };
        var buffer = new byte[256];
        try
        {
            long start = Stopwatch.GetTimestamp();
            socket.Connect(target);
            double microseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            return socket.Receive(buffer) > 0 ? microseconds : double.NaN;
        }
        catch (SocketException)
        {
            return double.NaN;
        }
    }

    private static double Quantile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}
