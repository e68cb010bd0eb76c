using System.Collections.Immutable;
using ClusterControl.Firewall;
using Clusterd.State;

namespace Clusterd.Tests.Unit;

public class RulesEditTests
{
    private static readonly ImmutableArray<FirewallRule> Before = [.. Enumerable.Range(1, 5).Select(id => new FirewallRule { Id = id })];

    [Fact]
    public void AnInsertionKeepsTheRulesAroundIt()
    {
        var after = Before.Insert(2, new FirewallRule { Id = 9 });
        var edit = RulesEdit.Between(Before, after);
        Assert.Equal((2, 0, 1), (edit.Kept, edit.Removed, edit.Added.Length));
        Assert.Equal<FirewallRule>(after, edit.ApplyTo(Before)!.Value);
    }

    [Fact]
    public void RulesAreTheSameOnlyAsTheSameInstances()
    {
        var after = Before.SetItem(4, Before[4] with { }); // equal, but made anew: rewritten
        var edit = RulesEdit.Between(Before, after);
        Assert.Equal((4, 1, 1), (edit.Kept, edit.Removed, edit.Added.Length));
    }

    [Fact]
    public void ARemovalAtEitherEndAndNoChangeAtAll()
    {
        Assert.Equal((0, 1, 0), Counts(RulesEdit.Between(Before, Before.RemoveAt(0))));
        Assert.Equal((4, 1, 0), Counts(RulesEdit.Between(Before, Before.RemoveAt(4))));
        Assert.Equal((5, 0, 0), Counts(RulesEdit.Between(Before, Before)));
        Assert.Equal((0, 5, 0), Counts(RulesEdit.Between(Before, [])));
    }

    [Fact]
    public void AnEditThatDoesNotFitIsNull()
    {
        Assert.Null(new RulesEdit(4, 2, []).ApplyTo(Before));
        Assert.Null(new RulesEdit(-1, 0, []).ApplyTo(Before));
    }

    private static (int, int, int) Counts(RulesEdit edit) => (edit.Kept, edit.Removed, edit.Added.Length);
}
