using Clusterd.Workers;

namespace Clusterd.Tests;

public class LatencyHistogramTests
{
    [Fact]
    public void PercentilesFallWithinABucketOfTheTruth()
    {
        var histogram = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++) histogram.Record(i);
        Assert.InRange(histogram.Percentile(0.5), 500, 500 * 1.19);
        Assert.InRange(histogram.Percentile(0.99), 990, 990 * 1.19);
        histogram.Clear();
        Assert.Equal(0, histogram.Percentile(0.5));
    }
}
