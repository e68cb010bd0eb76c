using System.Globalization;
using Clusterd.Core;

namespace Clusterd.Kernel;

/// <summary>
/// Reads /proc/net/netfilter/nfnetlink_queue, one line per bound queue: queue number, port id,
/// queue length, copy mode, copy range, queue_dropped, user_dropped, last packet id, 1. /proc/net
/// is per network namespace, so these are the queues of clusterd's own namespace; of them, the
/// <paramref name="count"/> from <paramref name="first"/> on are clusterd's.
/// </summary>
public sealed class KernelQueueStatistics(int first, int count, string path = KernelQueueStatistics.ProcPath) : IQueueStatistics
{
    public const string ProcPath = "/proc/net/netfilter/nfnetlink_queue";

    public IReadOnlyList<QueueFigures> Read()
    {
        try
        {
            return Parse(File.ReadAllText(path)).FindAll(q => q.Queue >= first && q.Queue < first + count);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // no queue bound yet (the file appears with the module), or no procfs
        }
    }

    /// <summary>The figures of the lines that have the kernel's nine fields; others are skipped.</summary>
    public static List<QueueFigures> Parse(string text)
    {
        var figures = new List<QueueFigures>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 9 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int queue)
                || !Number(fields[2], out long waiting) || !Number(fields[5], out long queueFull)
                || !Number(fields[6], out long socketFull) || !Number(fields[7], out long issued))
                continue;
            figures.Add(new QueueFigures(queue, waiting, queueFull, socketFull, issued));
        }
        figures.Sort((a, b) => a.Queue.CompareTo(b.Queue));
        return figures;
    }

    private static bool Number(string field, out long value) =>
        long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
