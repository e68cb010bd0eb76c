namespace Bench;

/// <summary>
/// Busy CPU time from /proc/stat: user, nice, system, irq and softirq, of the whole machine (every
/// core, every namespace) or of one core. Packet processing runs in softirq wherever the kernel
/// puts it, so only the machine-wide sum charges a front-end for all the work it causes, unless
/// the front-end's packets and processes are kept to a core of their own (bench/run does that with
/// RPS and affinity); then that core's figure is the front-end's work alone.
/// </summary>
public static class MachineCpu
{
    private static readonly double MillisecondsPerTick = 1000.0 / 100; // USER_HZ, 100 on every Linux architecture

    /// <param name="core">One core's time; null: the whole machine's.</param>
    public static double BusyMilliseconds(int? core = null)
    {
        // "cpu  user nice system idle iowait irq softirq steal ...", then the same for each core as "cpuN"
        string label = core is { } n ? $"cpu{n}" : "cpu";
        string line = File.ReadLines("/proc/stat").First(l => l.StartsWith(label + ' '));
        long[] ticks = [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse)];
        const int User = 0, Nice = 1, System = 2, Irq = 5, SoftIrq = 6;
        return (ticks[User] + ticks[Nice] + ticks[System] + ticks[Irq] + ticks[SoftIrq]) * MillisecondsPerTick;
    }
}
