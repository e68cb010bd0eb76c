using Clusterd.Core;
using Clusterd.Kernel.Nftables;

namespace Clusterd.Tests;

public class CounterCarryTests
{
    private static readonly KeyValuePair<string, RuleCounter>[] Counted =
        [new("r1", new RuleCounter(1, 10)), new("r2", new RuleCounter(5, 50)), new("r1", new RuleCounter(2, 20))];

    private static string Rule(string match, string name) => CountedRule.Text(match, " accept", name);

    [Fact]
    public void EachNewRuleOfACounterTakesTheCountsOfTheOldOneInItsPlace()
    {
        string[] rules = [Rule("tcp", "r1"), Rule("udp", "r1"), Rule("", "r2")];
        var carry = new CounterCarry(Counted, rules);
        Assert.Equal(
            ["tcp counter packets 1 bytes 10 accept comment \"r1\"", "udp counter packets 2 bytes 20 accept comment \"r1\"", "counter packets 5 bytes 50 accept comment \"r2\""],
            rules.Select(carry.Into));
    }

    [Fact]
    public void TheLastNewRuleOfACounterTakesWhatFewerRulesLeaveOver()
    {
        string[] rules = [Rule("", "r1")];
        Assert.Equal(["counter packets 3 bytes 30 accept comment \"r1\""], rules.Select(new CounterCarry(Counted, rules).Into));
    }

    [Fact]
    public void MoreNewRulesThanOldStartTheRestFromZero()
    {
        string[] rules = [Rule("", "r2"), Rule("", "r2"), Rule("", "r3"), "jump toqueue"];
        Assert.Equal(["counter packets 5 bytes 50 accept comment \"r2\"", Rule("", "r2"), Rule("", "r3"), "jump toqueue"],
            rules.Select(new CounterCarry(Counted, rules).Into));
    }
}
