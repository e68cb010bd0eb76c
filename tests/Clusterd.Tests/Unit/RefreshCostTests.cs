using Clusterd.Workers;

namespace Clusterd.Tests.Unit;

/// <summary>The held connections are looked up while that costs less than a dump, each way as it cost when last used.</summary>
public sealed class RefreshCostTests
{
    [Fact]
    public void ADumpOfTheMillionEntryTableIsWorthAThousandLookupsAtTheGuess()
    {
        var cost = new RefreshCost(firstDump: TimeSpan.FromMilliseconds(24));
        Assert.Equal(24_000 / (int)RefreshCost.FirstLookupGuess.TotalMicroseconds, cost.LookupLimit);
    }

    [Fact]
    public void EachWayCostsWhatItTookLastTime()
    {
        var cost = new RefreshCost(firstDump: TimeSpan.FromMilliseconds(24));
        cost.LookedUp(count: 1_000, took: TimeSpan.FromMilliseconds(3)); // 3 µs each
        Assert.Equal(8_000, cost.LookupLimit);
        cost.Dumped(TimeSpan.FromMilliseconds(6)); // the table was made smaller
        Assert.Equal(2_000, cost.LookupLimit);
        cost.LookedUp(count: 0, took: TimeSpan.FromMilliseconds(1)); // nothing was held: tells nothing
        Assert.Equal(2_000, cost.LookupLimit);
    }

    [Fact]
    public void AnInstantDumpIsNeverWorthALookupAndASlowOneWorthOnlySoMany()
    {
        Assert.Equal(0, new RefreshCost(firstDump: TimeSpan.Zero).LookupLimit);
        Assert.Equal(RefreshCost.MaxLookups, new RefreshCost(firstDump: TimeSpan.FromSeconds(30)).LookupLimit);
    }
}
