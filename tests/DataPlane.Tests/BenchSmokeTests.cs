using TestSupport;

namespace DataPlane.Tests;

/// <summary>The benchmark in its smoke mode (seconds, tiny tables), so bench/run cannot rot between real runs.</summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public void EveryBenchmarkRunsAndReports()
    {
        string report = Path.Combine(Path.GetTempPath(), $"ipc-bench-{Guid.NewGuid():n}.md");
        try
        {
            var run = CommandRunner.Run(Path.Combine(Binaries.RepoRoot, "bench", "run"), [Binaries.Configuration],
                new Dictionary<string, string> { ["BENCH_QUICK"] = "1", ["BENCH_OUT"] = report },
                timeout: TimeSpan.FromMinutes(10));
            Assert.True(run.ExitCode == 0, run.ToString());
            string text = File.ReadAllText(report);
            foreach (string section in new[] { "## Goals", "## CPU per connection", "## Connect latency", "## Verdict latency",
                         "## Scaling of the verdict", "## Rule changes", "## New connections per second", "## Queue verdict rate",
                         "## Established flow", "## Status file", "## Command line", "## Health checks" })
                Assert.Contains(section, text);
            Assert.Contains("Packets of the stream that reached clusterd's queue: 1 ", text);
            Assert.DoesNotContain("|  |", text); // no figure left empty
        }
        finally
        {
            File.Delete(report);
        }
    }
}
