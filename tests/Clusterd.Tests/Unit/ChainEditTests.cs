using Clusterd.Kernel.Nftables;

namespace Clusterd.Tests.Unit;

/// <summary>How a chain's rules become another's: what stays at either end, what goes, what comes.</summary>
public sealed class ChainEditTests
{
    [Theory]
    [InlineData("a b c", "a b c", 3, 0, "", 0)]
    [InlineData("a b c", "a b x c", 2, 0, "x", 1)]
    [InlineData("a b c", "x a b c", 0, 0, "x", 3)]
    [InlineData("a b c", "a b c x", 3, 0, "x", 0)]
    [InlineData("a b c", "a c", 1, 1, "", 1)]
    [InlineData("a b c", "a x c", 1, 1, "x", 1)]
    [InlineData("a b c d", "a x y d", 1, 2, "x y", 1)]
    [InlineData("a b c", "", 0, 3, "", 0)]
    [InlineData("", "a b", 0, 0, "a b", 0)]
    [InlineData("a a a", "a a", 2, 1, "", 0)]
    [InlineData("a b a", "a", 1, 2, "", 0)]
    public void KeepsTheCommonEndsAndReplacesWhatLiesBetween(string old, string wanted, int kept, int removed, string added, int keptAfter)
    {
        var edit = ChainEdit.Between(Words(old), Words(wanted));

        Assert.Equal((kept, removed, keptAfter), (edit.Kept, edit.Removed, edit.KeptAfter));
        Assert.Equal(Words(added), edit.Added);
        Assert.Equal(Words(wanted), Words(old).Take(edit.Kept).Concat(edit.Added).Concat(Words(old).TakeLast(edit.KeptAfter)));
        Assert.Equal(old != wanted, edit.Changes);
    }

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
