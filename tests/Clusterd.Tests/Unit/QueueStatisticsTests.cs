using Clusterd.Kernel;

namespace Clusterd.Tests.Unit;

/// <summary>The kernel's NFQUEUE figures read from the text of /proc/net/netfilter/nfnetlink_queue.</summary>
public sealed class QueueStatisticsTests
{
    // queue, portid, queue_total, copy_mode, copy_range, queue_dropped, user_dropped, id_sequence, 1 (as nfqnl_seq_show prints them)
    private const string TwoQueues = """
             1  123457     0 2 65531     0     0        7  1
             0  123456     3 2 65531    12     5    40021  1

        """;

    [Fact]
    public void EachQueueLineGivesItsFiguresInQueueOrder()
    {
        var queues = KernelQueueStatistics.Parse(TwoQueues);
        Assert.Equal([new(0, 3, 12, 5, 40021), new(1, 0, 0, 0, 7)], queues);
    }

    [Fact]
    public void LinesOfAnotherShapeAreSkipped() =>
        Assert.Empty(KernelQueueStatistics.Parse("garbage\n 0 1 2\n x 1 2 3 4 5 6 7 1\n"));

    [Fact]
    public void OnlyClusterdsQueuesAreReported()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, TwoQueues);
            Assert.Equal([1], new KernelQueueStatistics(1, 4, file).Read().Select(q => q.Queue));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void NoFileMeansNoQueues() =>
        Assert.Empty(new KernelQueueStatistics(0, 1, "/nonexistent/nfnetlink_queue").Read());
}
