using Clusterd.Core;

namespace Clusterd.Tests.Unit;

/// <summary>New connections per node over the last seconds, on a clock the test turns.</summary>
public sealed class ConnectionRatesTests
{
    private readonly ConnectionRates _rates = new();

    /// <summary>Ten seconds of <paramref name="perSecond"/> connections to node 1, sampled every 250 ms as the event loop does.</summary>
    private long Steady(int perSecond, long from = 0, long until = 10_000)
    {
        long now = from;
        for (; now < until; now += 250)
        {
            _rates.Sample(now);
            for (int i = 0; i < perSecond / 4; i++) _rates.Count(1);
        }
        return now;
    }

    [Fact]
    public void ASteadyPaceIsMeasuredAsIs()
    {
        long now = Steady(40);
        Assert.Equal(400, _rates.Total(1));
        Assert.Equal(40, _rates.PerSecond(1, now), precision: 0);
        Assert.Equal(0, _rates.PerSecond(2, now));
    }

    [Fact]
    public void ThePaceFollowsAChangeWithinTheWindow()
    {
        long now = Steady(40);
        now = Steady(100, now, now + ConnectionRates.Window + ConnectionRates.SampleEvery);
        Assert.Equal(100, _rates.PerSecond(1, now), precision: 0);
    }

    [Fact]
    public void NoSampleYetMeansNoRate()
    {
        _rates.Count(1);
        Assert.Equal(0, _rates.PerSecond(1, 5000));
        _rates.Sample(5000);
        Assert.Equal(0, _rates.PerSecond(1, 5100)); // a tenth of a second says nothing yet
    }

    [Fact]
    public void QuietNodesFallToZero()
    {
        long now = Steady(40);
        for (long end = now + ConnectionRates.Window + ConnectionRates.SampleEvery; now < end; now += 250) _rates.Sample(now);
        Assert.Equal(0, _rates.PerSecond(1, now));
        Assert.Equal(400, _rates.Total(1));
    }
}
