using TestSupport;

namespace Clusterd.Tests;

/// <summary>clusterd --queue-priority: the queue threads, and only they, run under SCHED_FIFO; a priority out of range is a usage error.</summary>
public sealed class QueuePriorityOptionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ipc-priority-").FullName;

    [Theory]
    [InlineData("0")]
    [InlineData("100")]
    public void APriorityOutOfRangeIsAUsageError(string priority)
    {
        var result = ClusterdProcess.RunUntilExit(_directory, "--queue-priority", priority);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("--queue-priority must be 1..99", result.Stderr.Trim());
    }

    [Fact]
    public void TheQueueThreadRunsRealTimeAndTheRestDoNot()
    {
        // In a throwaway namespace: the scheduling policy (field 41 of a thread's stat; SCHED_FIFO is 1)
        // of the queue thread, and of the main thread, which must keep the normal one (0).
        string script = $$"""
            {{Binaries.Clusterd}} --socket {{_directory}}/s --state-dir {{_directory}}/state --queue-priority 10 & daemon=$!
            queue="" policy=""
            for i in $(seq 300); do   # until the thread is there and has set its policy, 30 s at most
                for task in /proc/$daemon/task/*; do [ "$(cat $task/comm 2>/dev/null)" = nfqueue-0 ] && queue=${task##*/}; done
                [ -n "$queue" ] && policy=$(awk '{ print $41 }' /proc/$daemon/task/$queue/stat)
                [ "$policy" = 1 ] && break
                sleep 0.1
            done
            echo "queue $(awk '{ print $41 }' /proc/$daemon/task/$queue/stat) main $(awk '{ print $41 }' /proc/$daemon/stat)"
            kill $daemon
            wait $daemon
            """;
        var result = CommandRunner.Run("unshare", ["--net", "--", "sh", "-c", script], timeout: TimeSpan.FromSeconds(60));
        Assert.Equal("queue 1 main 0", result.Stdout.Trim());
        Assert.DoesNotContain("real-time priority", result.Stderr);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
