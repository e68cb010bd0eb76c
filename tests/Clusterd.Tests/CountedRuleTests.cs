using Clusterd.Core;
using Clusterd.Kernel.Nftables;

namespace Clusterd.Tests;

public class CountedRuleTests
{
    [Theory]
    [InlineData("ip saddr 10.0.0.1", " accept", "ip saddr 10.0.0.1 counter accept comment \"r1\"")]
    [InlineData("", "", "counter comment \"r1\"")]
    [InlineData("", " log prefix \"ipfwadm acct_in: \"", "counter log prefix \"ipfwadm acct_in: \" comment \"r1\"")]
    public void TextHasTheCounterBeforeTheActionAndItsNameLast(string match, string action, string text)
    {
        Assert.Equal(text, CountedRule.Text(match, action, "r1"));
        Assert.Equal("r1", CountedRule.NameOf(text));
    }

    [Theory]
    [InlineData("ip saddr 10.0.0.1 accept")]
    [InlineData("jump output_rules")]
    public void ARuleWithoutTheCommentCountsNothing(string rule) => Assert.Null(CountedRule.NameOf(rule));

    [Fact]
    public void StartingAtPutsTheCountsIntoTheStatement()
    {
        Assert.Equal("ip saddr 10.0.0.1 counter packets 3 bytes 180 accept comment \"r1\"",
            CountedRule.StartingAt("ip saddr 10.0.0.1 counter accept comment \"r1\"", new RuleCounter(3, 180)));
        Assert.Equal("counter packets 1 bytes 2 comment \"r1\"", CountedRule.StartingAt("counter comment \"r1\"", new RuleCounter(1, 2)));
    }

    [Fact]
    public void StartingAtLeavesQuotedWordsAlone()
    {
        Assert.Equal("iifname \"counter\" counter packets 1 bytes 2 accept comment \"r1\"",
            CountedRule.StartingAt("iifname \"counter\" counter accept comment \"r1\"", new RuleCounter(1, 2)));
    }

    [Fact]
    public void StartingAtZeroIsTheRuleAsItIs()
    {
        const string rule = "counter accept comment \"r1\"";
        Assert.Same(rule, CountedRule.StartingAt(rule, default));
    }
}
