using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Firewall;
using Clusterd.Core;
using Clusterd.Kernel.Nftables;
using Clusterd.State;
using TestSupport;

namespace Clusterd.Tests;

/// <summary>
/// The kernel's fallback scheduler, used while clusterd cannot answer the queue: the nodes it hashes
/// over are those a verdict would choose from, and the kernel's nft accepts what is rendered.
/// </summary>
public sealed class FallbackRulesTests
{
    private static NodeConfig Node(int id, NodeState state = NodeState.Up) =>
        new(Ipv4Address.Parse($"10.0.1.{id}"), state, 1, id);

    private static ClusterConfig Config(NodeConfig[] nodes, params FirewallRule[] rules) => new()
    {
        Pools = [new PoolConfig(PoolName.First, ForwardMethod.Route, [.. nodes])],
        FirewallRules = [.. rules],
    };

    private static FirewallRule ClusterRule(int id, Ipv4Address? staticNode = null) =>
        new() { Id = id, Chain = FirewallChain.Input, Policy = RulePolicy.Cluster, Interface = PoolName.First, InterfaceAddress = staticNode ?? default };

    private static IReadOnlyList<string> Rules(ClusterConfig config, params int[] failed)
    {
        var table = new TableContents();
        FallbackRules.Fill(table, config, failed.ToHashSet());
        return table.RulesOf(ClusterTable.FallbackChain);
    }

    [Fact]
    public void APoolRuleHashesTheFlowOverTheNodesThatAreUp()
    {
        var config = Config([Node(1), Node(2, NodeState.Down), Node(3), Node(4)], ClusterRule(7));
        Assert.Equal(
            ["meta mark 0x80000007 meta mark set jhash ip saddr . th sport . ip daddr . th dport mod 3 map { 0 : 0x40000001, 1 : 0x40000003, 2 : 0x40000004 }"],
            Rules(config));
    }

    [Fact]
    public void OneNodeUpTakesAllAndNoneUpDropsAsTheVerdictWould()
    {
        Assert.Equal(["meta mark 0x80000002 meta mark set 0x40000005"], Rules(Config([Node(5), Node(6, NodeState.Down)], ClusterRule(2))));
        Assert.Equal(["meta mark 0x80000002 drop"], Rules(Config([Node(6, NodeState.Down)], ClusterRule(2))));
        Assert.Equal(["meta mark 0x80000002 drop"], Rules(Config([], ClusterRule(2))));
    }

    [Fact]
    public void AStaticNodeTakesItsRulesConnectionsWhileUpAndThePoolOtherwise()
    {
        var up = Config([Node(1), Node(2)], ClusterRule(3, Ipv4Address.Parse("10.0.1.2")));
        Assert.Equal(["meta mark 0x80000003 meta mark set 0x40000002"], Rules(up));
        var down = Config([Node(1), Node(2, NodeState.Down)], ClusterRule(3, Ipv4Address.Parse("10.0.1.2")));
        Assert.Equal(["meta mark 0x80000003 meta mark set 0x40000001"], Rules(down));
    }

    [Fact]
    public void FailedNodesAreLeftOutAsTheVerdictLeavesThemOut()
    {
        var config = Config([Node(1), Node(2), Node(3)], ClusterRule(7), ClusterRule(8, Ipv4Address.Parse("10.0.1.2")));
        Assert.Equal(
            ["meta mark 0x80000007 meta mark set jhash ip saddr . th sport . ip daddr . th dport mod 2 map { 0 : 0x40000001, 1 : 0x40000003 }",
             "meta mark 0x80000008 meta mark set jhash ip saddr . th sport . ip daddr . th dport mod 2 map { 0 : 0x40000001, 1 : 0x40000003 }"],
            Rules(config, failed: 2));
    }

    [Fact]
    public void OnlyClusterRulesGetAFallback()
    {
        var accept = new FirewallRule { Id = 4, Chain = FirewallChain.Input, Policy = RulePolicy.Accept };
        Assert.Empty(Rules(Config([Node(1)], accept)));
    }

    [Fact]
    public void TheKernelAcceptsTheFallbackChain()
    {
        var config = Config([Node(1), Node(2), Node(3, NodeState.Down)], ClusterRule(1), ClusterRule(2, Ipv4Address.Parse("10.0.1.1")));
        config = config with { FirewallRules = config.FirewallRules.Add(ClusterRule(3) with { Interface = "pool9" }) }; // a pool that is gone: no fallback
        var table = new TableContents();
        ClusterTable.Fill(table, []);
        FallbackRules.Fill(table, config, new HashSet<int>());
        new FirewallRendering().Fill(table, config, InterfaceAddresses.None);
        string script = ClusterTable.Skeleton + table.Script();
        var result = CommandRunner.Run("unshare", ["--net", "--", "nft", "-c", "-f", "-"], stdin: script);
        Assert.True(result.ExitCode == 0, $"{result}\n{script}");
    }
}
