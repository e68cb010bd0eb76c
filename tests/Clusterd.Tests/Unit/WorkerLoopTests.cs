using Clusterd.Core;
using Clusterd.Kernel.Netlink;
using Clusterd.Workers;

namespace Clusterd.Tests.Unit;

/// <summary>A worker's failures are logged and the step tried again: the kernel's as one line, a bug with its stack; neither ends the thread.</summary>
public sealed class WorkerLoopTests
{
    /// <summary>A worker whose steps fail as the test says, then report that the loop went on.</summary>
    private sealed class FailingWorker(params Exception[] failures) : WorkerLoop("test-worker")
    {
        private int _step;

        public ManualResetEventSlim WentOn { get; } = new();

        public bool Released { get; private set; }

        protected override void RunOnce()
        {
            if (_step < failures.Length) throw failures[_step++];
            WentOn.Set();
            Thread.Sleep(10);
        }

        protected override void Release() => Released = true;
    }

    [Fact]
    public void FailuresAreLoggedAndTheStepTriedAgain()
    {
        var log = new StringWriter();
        var stderr = Console.Error;
        Console.SetError(TextWriter.Synchronized(log));
        try
        {
            using var worker = new FailingWorker(
                new KernelRefusedException("nftables refused the rules: test"),
                new NetlinkException("recv", 105),
                new InvalidOperationException("a bug"));
            worker.Start();

            Assert.True(worker.WentOn.Wait(TimeSpan.FromSeconds(10)), log.ToString());
        }
        finally
        {
            Console.SetError(stderr);
        }
        string[] lines = log.ToString().Split('\n');
        Assert.Contains("clusterd: error: test-worker: nftables refused the rules: test", lines);
        Assert.Contains(lines, line => line.StartsWith("clusterd: error: test-worker: recv: ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("clusterd: error: test-worker: unexpected failure, trying again: System.InvalidOperationException: a bug", StringComparison.Ordinal));
    }

    [Fact]
    public void DisposingStopsTheThreadThenReleases()
    {
        var worker = new FailingWorker();
        worker.Start();
        Assert.True(worker.WentOn.Wait(TimeSpan.FromSeconds(10)));

        worker.Dispose();

        Assert.True(worker.Released);
    }
}
