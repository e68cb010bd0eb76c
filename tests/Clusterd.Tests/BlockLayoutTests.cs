using Clusterd.Kernel.Nftables;

namespace Clusterd.Tests;

public class BlockLayoutTests
{
    private static List<string> Rules(int count, string prefix = "r") => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i}")];

    [Theory]
    [InlineData(0, new int[0])]
    [InlineData(1, new[] { 1 })]
    [InlineData(64, new[] { 64 })]
    [InlineData(65, new[] { 32, 33 })]
    [InlineData(200, new[] { 50, 50, 50, 50 })]
    public void CutMakesAsFewBlocksAsHoldTheRulesAsEvenAsCanBe(int rules, int[] sizes)
    {
        var blocks = BlockLayout.Cut(Rules(rules));
        Assert.Equal(sizes, blocks.Select(b => b.Count));
        Assert.Equal(Rules(rules), blocks.SelectMany(b => b));
    }

    [Fact]
    public void TheSameRulesChangeNothing() =>
        Assert.Null(BlockLayout.Between(BlockLayout.Cut(Rules(200)), Rules(200)));

    [Fact]
    public void AnInsertionRefillsTheBlockItLandsIn()
    {
        var wanted = Rules(200);
        wanted.Insert(120, "new");
        var change = Assert.IsType<BlockChange>(BlockLayout.Between(BlockLayout.Cut(Rules(200)), wanted));
        Assert.Equal((2, 1), (change.First, change.Count));
        Assert.Equal([.. Rules(200).Skip(100).Take(20), "new", .. Rules(200).Skip(120).Take(30)], Assert.Single(change.Blocks));
    }

    [Fact]
    public void AnInsertionBetweenBlocksJoinsTheOneBefore()
    {
        var wanted = Rules(200);
        wanted.Insert(150, "new");
        var change = Assert.IsType<BlockChange>(BlockLayout.Between(BlockLayout.Cut(Rules(200)), wanted));
        Assert.Equal((2, 1), (change.First, change.Count));
        Assert.Equal("new", Assert.Single(change.Blocks)[^1]);
    }

    [Fact]
    public void AtTheVeryStartItJoinsTheFirst()
    {
        var change = Assert.IsType<BlockChange>(BlockLayout.Between(BlockLayout.Cut(Rules(200)), ["new", .. Rules(200)]));
        Assert.Equal((0, 1), (change.First, change.Count));
        Assert.Equal("new", Assert.Single(change.Blocks)[0]);
    }

    [Fact]
    public void AFullBlockSplits()
    {
        var held = BlockLayout.Cut(Rules(64));
        var change = Assert.IsType<BlockChange>(BlockLayout.Between(held, [.. Rules(64), "new"]));
        Assert.Equal((0, 1), (change.First, change.Count));
        Assert.Equal([32, 33], change.Blocks.Select(b => b.Count));
    }

    [Fact]
    public void ABlockLeftTooSmallIsRefilledWithItsNeighbour()
    {
        var held = BlockLayout.Cut(Rules(200)); // four blocks of 50
        var wanted = Rules(200);
        wanted.RemoveRange(60, 20); // the second block keeps 30
        var change = Assert.IsType<BlockChange>(BlockLayout.Between(held, wanted));
        Assert.Equal((1, 2), (change.First, change.Count));
        Assert.Equal([.. Rules(200).Skip(50).Take(10), .. Rules(200).Skip(80).Take(70)], change.Blocks.SelectMany(b => b));
        Assert.All(change.Blocks, block => Assert.InRange(block.Count, BlockLayout.MinRules, BlockLayout.MaxRules));
    }

    [Fact]
    public void TheLastBlockLeftTooSmallTakesTheOneBefore()
    {
        var held = BlockLayout.Cut(Rules(200));
        var change = Assert.IsType<BlockChange>(BlockLayout.Between(held, Rules(170)));
        Assert.Equal((2, 2), (change.First, change.Count));
        Assert.Equal(Rules(170).Skip(100), change.Blocks.SelectMany(b => b));
    }

    [Fact]
    public void RulesIntoNoBlocksAtAll()
    {
        var change = Assert.IsType<BlockChange>(BlockLayout.Between([], Rules(3)));
        Assert.Equal((0, 0), (change.First, change.Count));
        Assert.Equal(Rules(3), Assert.Single(change.Blocks));
    }

    [Fact]
    public void EveryRuleGoneLeavesNoBlock()
    {
        var change = Assert.IsType<BlockChange>(BlockLayout.Between(BlockLayout.Cut(Rules(10)), []));
        Assert.Equal((0, 1), (change.First, change.Count));
        Assert.Empty(change.Blocks);
    }
}
