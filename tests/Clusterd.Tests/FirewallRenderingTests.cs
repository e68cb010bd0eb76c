using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Core;
using Clusterd.Firewall;
using Clusterd.Kernel.Nftables;
using Clusterd.State;
using TestSupport;

namespace Clusterd.Tests;

/// <summary>
/// The nft text clusterd renders for ipfwadm rules (a pure function: expected text, no kernel),
/// and once, that the kernel's nft accepts a ruleset with a rule of every kind (check mode, in a
/// throwaway network namespace).
/// </summary>
public sealed class FirewallRenderingTests
{
    private static readonly FirewallRendering Rendering = new();

    /// <summary>Replies of masqueraded connections, which 2.0 handed on without the forward firewall: first in forward.</summary>
    private const string MasqueradedReplies = "ct mark & 0x20000000 == 0x20000000 ct direction reply jump output_rules";

    [Fact]
    public void FreshChainsEndInTheirAcceptPolicyAndMasqueradeByConntrackMark()
    {
        string script = Script(new ClusterConfig(), InterfaceAddresses.None);
        AssertRules(["accept"], script, "input");
        AssertRules([MasqueradedReplies, "jump output_rules"], script, "forward");
        AssertRules(["jump output_rules"], script, "output");
        AssertRules(["accept"], script, "output_rules");
        AssertRules([], script, "acct_in");
        AssertRules(["ct mark & 0x20000000 == 0x20000000 masquerade"], script, "masq");
    }

    [Fact]
    public void DefaultPoliciesAreTheLastRuleWithThe20RejectKinds()
    {
        var config = new ClusterConfig()
            .WithPolicy(FirewallChain.Input, new DefaultPolicy(RulePolicy.Reject))
            .WithPolicy(FirewallChain.Output, new DefaultPolicy(RulePolicy.Deny))
            .WithPolicy(FirewallChain.Forward, new DefaultPolicy(RulePolicy.Accept, Masquerade: true));
        string script = Script(config with { FirewallRules = [Rule(1, FirewallChain.Input)] }, InterfaceAddresses.None);
        AssertRules(["counter accept comment \"r1\"", "reject with icmp type port-unreachable"], script, "input");
        AssertRules(["drop"], script, "output_rules");
        AssertRules([MasqueradedReplies, "ct mark set ct mark | 0x20000000 jump output_rules"], script, "forward");
    }

    [Fact]
    public void ForwardedPacketsAcceptedByForwardMeetTheOutputRulesToo()
    {
        var forward = Rule(1, FirewallChain.Forward) with { Masquerade = true };
        var output = Rule(2, FirewallChain.Output, RulePolicy.Reject) with { Protocol = RuleProtocol.Tcp };
        string script = Render(forward, output);
        AssertRules([MasqueradedReplies, "counter ct mark set ct mark | 0x20000000 jump output_rules comment \"r1\"", "jump output_rules"], script, "forward");
        AssertRules(["jump output_rules"], script, "output");
        AssertRules(["meta l4proto tcp counter reject with icmp type host-unreachable comment \"r2\"", "accept"], script, "output_rules");
    }

    [Fact]
    public void AddressesMasksPortsAndARangeFirst()
    {
        var rule = Rule(1, FirewallChain.Input, RulePolicy.Deny) with
        {
            Protocol = RuleProtocol.Tcp,
            Source = Side("10.0.0.0", "255.0.0.0", [1000, 2000, 25], range: true),
            Destination = Side("1.2.3.4", "255.255.255.255", [80]),
        };
        AssertRules(
            ["ip saddr 10.0.0.0/8 ip daddr 1.2.3.4 meta l4proto tcp tcp sport { 1000-2000, 25 } tcp dport 80 counter drop comment \"r1\"", "accept"],
            Render(rule), "input");
    }

    [Fact]
    public void NonContiguousMaskIsABitwiseCompare()
    {
        var rule = Rule(1, FirewallChain.Forward, RulePolicy.Reject) with { Source = Side("10.0.10.0", "255.0.255.0", []) };
        AssertRules(
            [MasqueradedReplies, "ip saddr & 255.0.255.0 == 10.0.10.0 counter reject with icmp type host-unreachable comment \"r1\"", "jump output_rules"],
            Render(rule), "forward");
    }

    [Fact]
    public void BidirectionalRuleAlsoMatchesWithTheSidesSwapped()
    {
        var rule = Rule(4, FirewallChain.Output) with
        {
            Protocol = RuleProtocol.Udp,
            Bidirectional = true,
            Source = Side("192.168.0.0", "255.255.255.0", [53]),
        };
        AssertRules(
            [
                "ip saddr 192.168.0.0/24 meta l4proto udp udp sport 53 counter accept comment \"r4\"",
                "ip daddr 192.168.0.0/24 meta l4proto udp udp dport 53 counter accept comment \"r4\"",
                "accept",
            ],
            Render(rule), "output_rules");
    }

    [Fact]
    public void SynFlagOnAnAllProtocolRuleLetsOtherProtocolsThrough()
    {
        var rule = Rule(2, FirewallChain.Input, RulePolicy.Deny) with { SynOnly = true };
        AssertRules(
            ["meta l4proto != tcp counter drop comment \"r2\"", "tcp flags & (syn | ack) == syn counter drop comment \"r2\"", "accept"],
            Render(rule), "input");
    }

    [Fact]
    public void SynAndAckFlagsAreIgnoredOnUdpAndTestedOnTcp()
    {
        var udp = Rule(1, FirewallChain.Input) with { Protocol = RuleProtocol.Udp, SynOnly = true, AckSet = true };
        var tcp = Rule(2, FirewallChain.Input) with { Protocol = RuleProtocol.Tcp, AckSet = true };
        AssertRules(
            ["meta l4proto udp counter accept comment \"r1\"", "meta l4proto tcp tcp flags & ack == ack counter accept comment \"r2\"", "accept"],
            Render(udp, tcp), "input");
    }

    [Fact]
    public void InterfaceIsTheIncomingDeviceOnInputAndTheOutgoingOneOnForward()
    {
        var input = Rule(1, FirewallChain.Input) with { Interface = "eth0" };
        var forward = Rule(2, FirewallChain.Forward) with { Interface = "ppp*" };
        string script = Render(input, forward);
        AssertRules(["iifname \"eth0\" counter accept comment \"r1\"", "accept"], script, "input");
        AssertRules([MasqueradedReplies, "oifname \"ppp\\*\" counter jump output_rules comment \"r2\"", "jump output_rules"], script, "forward");
    }

    [Theory]
    [InlineData("abcdefghijklmnop")]
    [InlineData("a\"b")]
    public void InterfaceNameNftCannotSayNeverMatches(string name)
    {
        string script = Render(Rule(7, FirewallChain.Input) with { Interface = name });
        AssertRules(["accept"], script, "input");
        Assert.DoesNotContain("comment \"r7\"", script);
    }

    [Fact]
    public void InterfaceAddressIsTheInterfacesHoldingIt()
    {
        var input = Rule(1, FirewallChain.Input) with { InterfaceAddress = Ipv4Address.Parse("10.0.0.254") };
        var forward = Rule(2, FirewallChain.Forward, RulePolicy.Deny) with { InterfaceAddress = Ipv4Address.Parse("192.0.2.1"), Interface = "eth1" };
        string script = Render(input, forward);
        AssertRules(["iifname \"eth0\" counter accept comment \"r1\"", "accept"], script, "input");
        AssertRules([MasqueradedReplies, "oifname \"eth1\" oifname { \"br0\", \"eth1\" } counter drop comment \"r2\"", "jump output_rules"], script, "forward");
    }

    [Fact]
    public void ARuleKeptByAChangeRendersAsBeforeAndAnInterfaceAddressRuleFollowsTheInterfaces()
    {
        var rendering = new FirewallRendering();
        var config = new ClusterConfig
        {
            FirewallRules = [Rule(1, FirewallChain.Input) with { InterfaceAddress = Ipv4Address.Parse("10.0.0.254") }, Rule(2, FirewallChain.Input, RulePolicy.Deny)],
        };
        string Rules(ClusterConfig rendered, InterfaceAddresses interfaces)
        {
            var table = new TableContents();
            rendering.Fill(table, rendered, interfaces);
            return string.Join('\n', table.RulesOf("input"));
        }
        string first = Rules(config, Eth0AndAlias);
        Assert.Equal(first, Rules(config, Eth0AndAlias));
        Assert.Equal("counter drop comment \"r2\"\naccept", Rules(config, InterfaceAddresses.None));
        var added = config with { FirewallRules = config.FirewallRules.Insert(1, Rule(3, FirewallChain.Input, RulePolicy.Reject)) };
        Assert.Equal("iifname \"eth0\" counter accept comment \"r1\"\ncounter reject with icmp type port-unreachable comment \"r3\"\ncounter drop comment \"r2\"\naccept",
            Rules(added, Eth0AndAlias));
    }

    [Fact]
    public void InterfaceAddressNoInterfaceHoldsNeverMatches()
    {
        string script = Render(Rule(4, FirewallChain.Input, RulePolicy.Deny) with { InterfaceAddress = Ipv4Address.Parse("10.9.9.9") });
        AssertRules(["accept"], script, "input");
        Assert.DoesNotContain("comment \"r4\"", script);
    }

    [Fact]
    public void IcmpTypesAreTheSourceList()
    {
        var rule = Rule(3, FirewallChain.Input) with { Protocol = RuleProtocol.Icmp, Source = Side("0.0.0.0", "0.0.0.0", [0, 8]) };
        AssertRules(["meta l4proto icmp icmp type { 0, 8 } counter accept comment \"r3\"", "accept"], Render(rule), "input");
    }

    [Fact]
    public void AccountingDirectionPicksTheHook()
    {
        var both = Rule(1, FirewallChain.Accounting) with { Protocol = RuleProtocol.Tcp, Destination = Side("0.0.0.0", "0.0.0.0", [80]) };
        var incoming = Rule(2, FirewallChain.Accounting) with { Direction = AccountingDirection.In };
        var outgoing = Rule(3, FirewallChain.Accounting) with { Direction = AccountingDirection.Out, Interface = "eth1", Log = true };
        string script = Render(both, incoming, outgoing);
        AssertRules(["meta l4proto tcp tcp dport 80 counter comment \"r1\"", "counter comment \"r2\""], script, "acct_in");
        AssertRules(["meta l4proto tcp tcp dport 80 counter comment \"r1\"", "oifname \"eth1\" counter log prefix \"ipfwadm acct_out: \" comment \"r3\""], script, "acct_out");
    }

    [Fact]
    public void BidirectionalAccountingCountsAPacketMatchingBothWaysOnce()
    {
        var rule = Rule(1, FirewallChain.Accounting) with
        {
            Direction = AccountingDirection.In,
            Protocol = RuleProtocol.Tcp,
            Bidirectional = true,
            Source = Side("10.0.0.0", "255.0.0.0", [80]),
        };
        AssertRules(
            [
                "ip saddr 10.0.0.0/8 meta l4proto tcp tcp sport 80 counter comment \"r1\"",
                "ip daddr 10.0.0.0/8 meta l4proto tcp tcp dport 80 ip saddr != 10.0.0.0/8 counter comment \"r1\"",
                "ip daddr 10.0.0.0/8 meta l4proto tcp tcp dport 80 ip saddr 10.0.0.0/8 tcp sport != 80 counter comment \"r1\"",
            ],
            Render(rule), "acct_in");
    }

    [Fact]
    public void BidirectionalAccountingWithTheSameSidesIsOneRule()
    {
        var rule = Rule(1, FirewallChain.Accounting) with { Direction = AccountingDirection.Out, Bidirectional = true };
        AssertRules(["counter comment \"r1\""], Render(rule), "acct_out");
    }

    [Fact]
    public void RedirectTagsThePacketAndTheProxyChainRedirectsIt()
    {
        var rule = Rule(5, FirewallChain.Input) with { Protocol = RuleProtocol.Tcp, Redirect = true, RedirectPort = 3128 };
        string script = Render(rule);
        AssertRules(["meta l4proto tcp meta mark set 0x80000005 counter accept comment \"r5\"", "accept"], script, "input");
        AssertRules(["meta mark 0x80000005 meta l4proto tcp redirect to :3128"], script, "proxy");
    }

    [Fact]
    public void ClusterRuleQueuesNewConnectionsAndAcceptsTheRest()
    {
        var rule = Rule(9, FirewallChain.Input, RulePolicy.Cluster) with
        {
            Bidirectional = true,
            Destination = Side("1.2.3.4", "255.255.255.255", []),
            Interface = "pool0",
        };
        AssertRules(
            [
                "ip daddr 1.2.3.4 ct state new meta mark & 0xc0000000 != 0x40000000 meta mark set 0x80000009 counter jump toqueue comment \"r9\"",
                "ip daddr 1.2.3.4 counter accept comment \"r9\"",
                "ip saddr 1.2.3.4 counter accept comment \"r9\"",
                "accept",
            ],
            Render(rule), "input");
    }

    [Fact]
    public void TosRewriteJumpsToTheNewBytesChainAheadOfTheVerdict()
    {
        // and 0xFD clears bit 1, xor 0x10 flips bit 4: 0x02 -> 0x10, 0x12 -> 0x00, 0x00 -> 0x10, ...
        var rule = Rule(3, FirewallChain.Input) with { Protocol = RuleProtocol.Udp, TosAnd = 0xfd, TosXor = 0x10 };
        string script = Render(rule);
        var entries = Enumerable.Range(0, 256).Select(old => (Old: old, New: (old & 0xfd) ^ 0x10)).Where(c => c.Old != c.New)
            .Select(c => $"0x{c.Old:x2} : jump tos_{c.New:x2}");
        AssertRules([$"meta l4proto udp @nh,8,8 vmap {{ {string.Join(", ", entries)} }}", "meta l4proto udp counter accept comment \"r3\"", "accept"], script, "input");
        Assert.Contains("0x02 : jump tos_10, ", script);
        Assert.Contains("0x12 : jump tos_00, ", script);
        AssertRules(["ip dscp set 4 ip ecn set 0"], script, "tos_10");
        AssertRules(["ip dscp set 0 ip ecn set 0"], script, "tos_00");
        AssertRules(["ip dscp set 63 ip ecn set 1"], script, "tos_fd");
        Assert.DoesNotContain("tos_12", script); // 0x12 is no rule's new byte: 0x12 & 0xfd ^ 0x10 = 0x00, 0x02 -> 0x10
    }

    [Theory]
    [InlineData(RulePolicy.Deny, 0xfd, 0x10)]
    [InlineData(RulePolicy.Reject, 0xfd, 0x10)]
    [InlineData(RulePolicy.Accept, 0xff, 0x00)]
    public void TosRewriteOnlyWhereTheKernelAppliedIt(RulePolicy policy, int and, int xor)
    {
        string script = Render(Rule(1, FirewallChain.Input, policy) with { TosAnd = (byte)and, TosXor = (byte)xor });
        Assert.DoesNotContain("vmap", script);
        Assert.DoesNotContain("tos_", script);
    }

    [Fact]
    public void BidirectionalTosRewriteMeetsEachPacketOnce()
    {
        var rule = Rule(2, FirewallChain.Forward) with
        {
            Bidirectional = true,
            Source = Side("10.0.0.0", "255.0.0.0", []),
            TosAnd = 0xff,
            TosXor = 0x10,
        };
        var lines = Render(rule).Split('\n').Where(l => l.StartsWith($"add rule {ClusterTable.Qualified} forward ")).ToList();
        Assert.Equal(6, lines.Count);
        Assert.StartsWith($"add rule {ClusterTable.Qualified} forward ip saddr 10.0.0.0/8 @nh,8,8 vmap", lines[1]);
        Assert.StartsWith($"add rule {ClusterTable.Qualified} forward ip daddr 10.0.0.0/8 ip saddr != 10.0.0.0/8 @nh,8,8 vmap", lines[2]);
        Assert.EndsWith("counter jump output_rules comment \"r2\"", lines[3]);
    }

    [Fact]
    public void NftAcceptsARulesetWithARuleOfEveryKind()
    {
        var pool = new PoolConfig("pool0", ForwardMethod.Route, [new NodeConfig(Ipv4Address.Parse("10.0.0.5"), NodeState.Up, 1, 1)]);
        var config = new ClusterConfig
        {
            Pools = [pool],
            ForwardPolicy = new DefaultPolicy(RulePolicy.Accept, Masquerade: true),
            InputPolicy = new DefaultPolicy(RulePolicy.Reject),
            FirewallRules =
            [
                Rule(1, FirewallChain.Accounting) with { Protocol = RuleProtocol.Tcp, Bidirectional = true, Source = Side("10.0.0.0", "255.0.0.0", [1024, 65535, 7], range: true) },
                Rule(2, FirewallChain.Input, RulePolicy.Deny) with { SynOnly = true, Log = true, Interface = "eth*" },
                Rule(3, FirewallChain.Input) with { Protocol = RuleProtocol.Tcp, Redirect = true, RedirectPort = 8080, Destination = Side("0.0.0.0", "0.0.0.0", [80]) },
                Rule(4, FirewallChain.Input, RulePolicy.Cluster) with { Interface = "pool0", InterfaceAddress = Ipv4Address.Parse("10.0.0.5"), Destination = Side("1.2.3.4", "255.255.255.255", []) },
                Rule(5, FirewallChain.Forward) with { Masquerade = true, Source = Side("192.168.0.0", "255.255.0.0", []) },
                Rule(6, FirewallChain.Forward, RulePolicy.Reject) with { Protocol = RuleProtocol.Icmp, Source = Side("0.0.0.0", "0.0.0.0", [8]) },
                Rule(7, FirewallChain.Output, RulePolicy.Deny) with { Source = Side("10.0.10.0", "255.0.255.0", []), Interface = "lo" },
                Rule(8, FirewallChain.Output) with { Protocol = RuleProtocol.Udp, TosAnd = 0x01, TosXor = 0x10 },
                Rule(9, FirewallChain.Input, RulePolicy.Deny) with { InterfaceAddress = Ipv4Address.Parse("192.0.2.1") },
            ],
        };
        var table = new TableContents();
        ClusterTable.Fill(table, []);
        Rendering.Fill(table, config, Eth0AndAlias);
        string script = ClusterTable.Skeleton + table.Script();
        var result = CommandRunner.Run("unshare", ["--net", "--", "nft", "-c", "-f", "-"], stdin: script);
        Assert.True(result.ExitCode == 0, $"{result}\n{script}");
    }

    private static FirewallRule Rule(int id, FirewallChain chain, RulePolicy policy = RulePolicy.Accept) =>
        new() { Id = id, Chain = chain, Policy = policy };

    private static AddressMatch Side(string address, string mask, ushort[] ports, bool range = false) =>
        new(Ipv4Address.Parse(address), Ipv4Address.Parse(mask), [.. ports], range);

    /// <summary>eth0 holds 10.0.0.254; 192.0.2.1 is held by eth1 and by br0.</summary>
    private static readonly InterfaceAddresses Eth0AndAlias = new(
        [("eth0", Ipv4Address.Parse("10.0.0.254")), ("eth1", Ipv4Address.Parse("192.0.2.1")), ("br0", Ipv4Address.Parse("192.0.2.1"))]);

    private static string Render(params FirewallRule[] rules) => Script(new ClusterConfig { FirewallRules = [.. rules] }, Eth0AndAlias);

    /// <summary>The firewall's part of the table as the script a whole write runs.</summary>
    private static string Script(ClusterConfig config, InterfaceAddresses interfaces)
    {
        var table = new TableContents();
        Rendering.Fill(table, config, interfaces);
        return table.Script();
    }

    /// <summary>The bodies of the script's "add rule" statements for <paramref name="chain"/> are exactly <paramref name="expected"/>, in order.</summary>
    private static void AssertRules(string[] expected, string script, string chain)
    {
        string prefix = $"add rule {ClusterTable.Qualified} {chain} ";
        var actual = script.Split('\n').Where(line => line.StartsWith(prefix)).Select(line => line[prefix.Length..]);
        Assert.Equal(string.Join('\n', expected), string.Join('\n', actual));
    }
}
