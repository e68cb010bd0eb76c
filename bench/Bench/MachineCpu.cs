namespace Bench;

/// <summary>
/// The whole machine's busy CPU time from /proc/stat (every core, every namespace): user, nice,
/// system, irq and softirq. Packet processing runs in softirq wherever the kernel finds it, so only
/// the machine-wide sum charges a front-end for all the work it causes.
/// </summary>
public static class MachineCpu
{
    private static readonly double MillisecondsPerTick = 1000.0 / 100; // USER_HZ, 100 on every Linux architecture

    public static double BusyMilliseconds()
    {
        // "cpu  user nice system idle iowait irq softirq steal ..."
        string total = File.ReadLines("/proc/stat").First();
        long[] ticks = [.. total.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse)];
        const int User = 0, Nice = 1, System = 2, Irq = 5, SoftIrq = 6;
        return (ticks[User] + ticks[Nice] + ticks[System] + ticks[Irq] + ticks[SoftIrq]) * MillisecondsPerTick;
    }
}
