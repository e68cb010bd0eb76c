using Clusterd.Core;
using Clusterd.Kernel.Nftables;

namespace Clusterd.Tests;

public class ListedTableTests
{
    private const string Listing =
        """{"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}}, """ +
        """{"chain": {"family": "ip", "table": "ip_cluster", "name": "input", "handle": 1}}, """ +
        """{"chain": {"family": "ip", "table": "ip_cluster", "name": "input.1", "handle": 2}}, """ +
        """{"chain": {"family": "ip", "table": "ip_cluster", "name": "input.0", "handle": 3}}, """ +
        """{"chain": {"family": "ip", "table": "ip_cluster", "name": "acct_in", "handle": 4}}, """ +
        """{"rule": {"family": "ip", "table": "ip_cluster", "chain": "input", "handle": 5, "expr": [{"jump": {"target": "input.0"}}]}}, """ +
        """{"rule": {"family": "ip", "table": "ip_cluster", "chain": "input", "handle": 6, "expr": [{"jump": {"target": "input.1"}}]}}, """ +
        """{"rule": {"family": "ip", "table": "ip_cluster", "chain": "input.1", "handle": 7, "comment": "r1", "expr": [{"counter": {"packets": 2, "bytes": 100}}, {"accept": null}]}}, """ +
        """{"rule": {"family": "ip", "table": "ip_cluster", "chain": "input.0", "handle": 8, "comment": "r1", "expr": [{"counter": {"packets": 1, "bytes": 50}}, {"accept": null}]}}, """ +
        """{"rule": {"family": "ip", "table": "ip_cluster", "chain": "input.0", "handle": 9, "comment": "note", "expr": [{"accept": null}]}}, """ +
        """{"rule": {"family": "ip", "table": "ip_cluster", "chain": "input.0", "handle": 10, "expr": [{"jump": {"target": "toqueue"}}]}}, """ +
        """{"rule": {"family": "ip", "table": "ip_cluster", "chain": "acct_in", "handle": 11, "comment": "r2", "expr": [{"counter": {"packets": 4, "bytes": 7}}]}}]}""";

    [Fact]
    public void ListsEveryChain()
    {
        Assert.Equal(["input", "input.1", "input.0", "acct_in"], ListedTable.Parse(Listing).Chains);
    }

    [Fact]
    public void ACountedRuleIsFoundWhereItRunsThroughTheJumpsToBlocks()
    {
        var listed = ListedTable.Parse(Listing);
        Assert.Equal([new("r1", new RuleCounter(1, 50)), new("r1", new RuleCounter(2, 100))], listed.CountedIn("input"));
        Assert.Equal([new("r1", new RuleCounter(2, 100))], listed.CountedIn("input.1"));
        Assert.Empty(listed.CountedIn("no-such-chain"));
    }

    [Fact]
    public void TotalsAddUpEveryRuleOfACounterOnce()
    {
        Assert.Equal(new Dictionary<string, RuleCounter> { ["r1"] = new(3, 150), ["r2"] = new(4, 7) }, ListedTable.Parse(Listing).Totals());
    }
}
